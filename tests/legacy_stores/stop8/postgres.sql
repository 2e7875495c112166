SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;
CREATE FUNCTION __SCHEMA__.infoshare_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
       BEGIN RAISE EXCEPTION 'decision records are append-only'; END $$;
CREATE FUNCTION __SCHEMA__.infoshare_floor_forward() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
       BEGIN
         IF NEW.seq > COALESCE((SELECT MAX(f.seq) FROM decision_chain_floors f WHERE f.agency = NEW.agency), 0) AND EXISTS (
    SELECT 1 FROM decision_checkpoints c WHERE c.id = NEW.checkpoint_id
    AND c.agency = NEW.agency AND c.seq = NEW.seq AND c.head_sha256 = NEW.head_sha256) THEN RETURN NEW; END IF;
         RAISE EXCEPTION 'decision records are append-only: a chain floor only moves forward, onto a stored checkpoint at its seq';
       END $$;
CREATE FUNCTION __SCHEMA__.infoshare_records_disposal() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL
            AND NEW.sealed_personal IS NULL
            AND (to_jsonb(NEW) - 'sealed_personal' - 'disposed_at') = (to_jsonb(OLD) - 'sealed_personal' - 'disposed_at')
         THEN RETURN NEW; END IF;
         IF TG_OP = 'DELETE' AND OLD.chain_seq <= COALESCE((SELECT MAX(f.seq) FROM decision_chain_floors f WHERE f.agency = OLD.disclosing_agency), 0) THEN RETURN OLD; END IF;
         RAISE EXCEPTION 'decision records are append-only';
       END $$;
SET default_tablespace = '';
SET default_table_access_method = heap;
CREATE TABLE __SCHEMA__.agencies (
    id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    kind character varying(32) NOT NULL,
    approver_roles json NOT NULL,
    dpo_email character varying(200),
    office_hours json NOT NULL,
    deputy character varying(64),
    on_call json,
    signoff_policy json NOT NULL
);
CREATE TABLE __SCHEMA__.agency_intakes (
    agency_id character varying(64) NOT NULL,
    url character varying(2000) NOT NULL,
    ca_pem text
);
CREATE TABLE __SCHEMA__.agency_keys (
    key_id character varying(64) NOT NULL,
    agency_id character varying(64) NOT NULL,
    kind character varying(16) NOT NULL,
    public_raw bytea NOT NULL,
    not_before timestamp with time zone NOT NULL,
    not_after timestamp with time zone NOT NULL
);
CREATE TABLE __SCHEMA__.audit_events (
    id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    ref character varying(40),
    step character varying(32),
    actor_id character varying(64),
    event character varying(64) NOT NULL,
    detail text NOT NULL
);
CREATE SEQUENCE __SCHEMA__.audit_events_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.audit_events_id_seq OWNED BY __SCHEMA__.audit_events.id;
CREATE TABLE __SCHEMA__.decision_chain_floors (
    id integer NOT NULL,
    agency character varying(64) NOT NULL,
    seq integer NOT NULL,
    head_sha256 character varying(64) NOT NULL,
    checkpoint_id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    key_id character varying(64) NOT NULL,
    signature character varying(200) NOT NULL
);
CREATE SEQUENCE __SCHEMA__.decision_chain_floors_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.decision_chain_floors_id_seq OWNED BY __SCHEMA__.decision_chain_floors.id;
CREATE TABLE __SCHEMA__.decision_chains (
    agency character varying(64) NOT NULL,
    seq integer NOT NULL,
    head_sha256 character varying(64) NOT NULL,
    updated_at timestamp with time zone NOT NULL
);
CREATE TABLE __SCHEMA__.decision_checkpoints (
    id integer NOT NULL,
    agency character varying(64) NOT NULL,
    seq integer NOT NULL,
    head_sha256 character varying(64) NOT NULL,
    signed_at timestamp with time zone NOT NULL,
    key_id character varying(64) NOT NULL,
    signature character varying(200) NOT NULL
);
CREATE SEQUENCE __SCHEMA__.decision_checkpoints_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.decision_checkpoints_id_seq OWNED BY __SCHEMA__.decision_checkpoints.id;
CREATE TABLE __SCHEMA__.decision_records (
    id integer NOT NULL,
    ref character varying(40) NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    decision character varying(16) NOT NULL,
    requesting_agency character varying(64) NOT NULL,
    disclosing_agency character varying(64) NOT NULL,
    urgency character varying(16) NOT NULL,
    due_at timestamp with time zone,
    decided_at timestamp with time zone NOT NULL,
    envelope_id character varying(64),
    envelope_sha256 character varying(64),
    chain_seq integer NOT NULL,
    prev_sha256 character varying(64) NOT NULL,
    record_sha256 character varying(64) NOT NULL,
    public json NOT NULL,
    personal_commitments json NOT NULL,
    sealed_personal bytea,
    disposed_at timestamp with time zone
);
CREATE SEQUENCE __SCHEMA__.decision_records_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.decision_records_id_seq OWNED BY __SCHEMA__.decision_records.id;
CREATE TABLE __SCHEMA__.isas (
    reference character varying(100) NOT NULL,
    title character varying(300) NOT NULL,
    parties json NOT NULL,
    valid_from timestamp with time zone NOT NULL,
    valid_to timestamp with time zone NOT NULL
);
CREATE TABLE __SCHEMA__.item_contents (
    ref character varying(40) NOT NULL,
    item_id character varying(16) NOT NULL,
    provided_by character varying(64) NOT NULL,
    provided_at timestamp with time zone NOT NULL,
    size integer NOT NULL,
    sealed bytea NOT NULL
);
CREATE TABLE __SCHEMA__.one_time_codes (
    id integer NOT NULL,
    ref character varying(40) NOT NULL,
    step character varying(32) NOT NULL,
    person_id character varying(64) NOT NULL,
    flow_run_id character varying(36) NOT NULL,
    nonce bytea NOT NULL,
    issued_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone
);
CREATE SEQUENCE __SCHEMA__.one_time_codes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.one_time_codes_id_seq OWNED BY __SCHEMA__.one_time_codes.id;
CREATE TABLE __SCHEMA__.people (
    id character varying(64) NOT NULL,
    agency_id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    role character varying(100) NOT NULL,
    email character varying(200) NOT NULL
);
CREATE TABLE __SCHEMA__.person_keys (
    key_id character varying(64) NOT NULL,
    person_id character varying(64) NOT NULL,
    public_raw bytea NOT NULL,
    registered_at timestamp with time zone NOT NULL,
    retired_at timestamp with time zone,
    source character varying(16) NOT NULL
);
CREATE TABLE __SCHEMA__.request_steps (
    ref character varying(40) NOT NULL,
    step character varying(32) NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    actor_id character varying(64),
    updated_at timestamp with time zone NOT NULL,
    public json NOT NULL,
    sealed bytea,
    opened_at timestamp with time zone,
    due_at timestamp with time zone
);
CREATE TABLE __SCHEMA__.requests (
    ref character varying(40) NOT NULL,
    flow_run_id character varying(36),
    received_at timestamp with time zone NOT NULL,
    requesting_agency character varying(64) NOT NULL,
    disclosing_agency character varying(64) NOT NULL,
    requester_id character varying(64) NOT NULL,
    urgency character varying(16) NOT NULL,
    due_at timestamp with time zone,
    status character varying(32) NOT NULL,
    public json NOT NULL,
    wrapped_key bytea,
    sealed_request bytea
);
CREATE TABLE __SCHEMA__.seen_envelopes (
    message_id character varying(32) NOT NULL,
    sender_key_id character varying(64) NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    expires timestamp with time zone NOT NULL
);
CREATE TABLE __SCHEMA__.subject_index (
    id integer NOT NULL,
    ref character varying(40) NOT NULL,
    disclosing_agency character varying(64) NOT NULL,
    requesting_agency character varying(64) NOT NULL,
    name_tag character varying(64) NOT NULL,
    name_dob_tag character varying(64)
);
CREATE SEQUENCE __SCHEMA__.subject_index_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.subject_index_id_seq OWNED BY __SCHEMA__.subject_index.id;
ALTER TABLE ONLY __SCHEMA__.audit_events ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.audit_events_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.decision_chain_floors ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.decision_chain_floors_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.decision_checkpoints ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.decision_checkpoints_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.decision_records ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.decision_records_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.one_time_codes ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.one_time_codes_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.subject_index ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.subject_index_id_seq'::regclass);
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call, signoff_policy) VALUES ('northshire-police', 'Northshire Police', 'POLICE', '["Inspector","Chief Inspector","Superintendent","Chief Superintendent"]', 'dpo@police.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', 'ci-patel', '["ci-patel"]', '{"four_eyes":true,"ranks":["Constable","Sergeant","Inspector","Chief Inspector","Superintendent","Chief Superintendent"],"signoff_rules":[{"min_rank":"Inspector","roles":[],"special_category":false,"tiers":["EMERGENCY","RED","AMBER"]},{"min_rank":"Sergeant","roles":[],"special_category":false,"tiers":["GREEN","ROUTINE"]}]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call, signoff_policy) VALUES ('northshire-council', 'Northshire County Council', 'COUNCIL', '["Senior Manager","Head of Service","Director"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]', '{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call, signoff_policy) VALUES ('northshire-hospitals', 'Northshire Hospitals NHS Trust', 'HEALTH', '["Caldicott Guardian","Deputy Caldicott Guardian","Medical Director"]', 'dpo@hospitals.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]', '{"four_eyes":true,"ranks":[],"signoff_rules":[{"min_rank":null,"roles":["Caldicott Guardian","Deputy Caldicott Guardian"],"special_category":true,"tiers":[]}]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call, signoff_policy) VALUES ('northshire-academy', 'Northshire Academy', 'SCHOOL', '["Headteacher","Designated Safeguarding Lead"]', 'dpo@academy.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', 'school-dsl', '["school-dsl"]', '{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call, signoff_policy) VALUES ('northshire-homes', 'Northshire Homes', 'HOUSING', '["Head of Housing","Tenancy Services Manager"]', 'dpo@homes.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]', '{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call, signoff_policy) VALUES ('northshire-yjs', 'Northshire Youth Justice Service', 'YOUTH_JUSTICE', '["Service Manager"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]', '{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call, signoff_policy) VALUES ('northshire-mash', 'Northshire Multi-Agency Safeguarding Hub', 'SAFEGUARDING_HUB', '["MASH Manager"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]', '{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('d00630a7e2bab47b947be402138050c1', 'northshire-police', 'x25519', '\x015a39c9592684e4675e70c22efef09ff15259e738e1ef2150e9fa7d2968b67d', '2026-12-06 17:32:37.392989+00', '2028-12-05 17:37:37.392989+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('4a680a91fb67e09ca710bfd2e94fb2d3', 'northshire-police', 'ed25519', '\x8e258877468c6b75c3394ebc1a37c37bc48cb44544396125ce2591a7250aa53f', '2026-12-06 17:32:37.392989+00', '2028-12-05 17:37:37.392989+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('6df0c99bf0f80932bcbbcb6c205ce47c', 'northshire-council', 'x25519', '\x739005c2ae011ddd7ce5a2931e026245ea9b058eb4d128752b2dd49e2fee9f33', '2026-12-06 17:32:37.908116+00', '2028-12-05 17:37:37.908116+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('bc9af799ba0cb5a09fbb138a4595e612', 'northshire-council', 'ed25519', '\x5d6897293ad825f4b6109807684829acff900b7d7a866d39d4c5efd4170720e4', '2026-12-06 17:32:37.908116+00', '2028-12-05 17:37:37.908116+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('04c88e49c820840c8bc1a71c1e382936', 'northshire-hospitals', 'x25519', '\xf6e466bd3efbb32a0a4eebb058c30f46e40aae01cd9c0a477619f2b8ff514f74', '2026-12-06 17:32:38.001196+00', '2028-12-05 17:37:38.001196+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('aa17e206c8a7ab86d994f9fb310df4c1', 'northshire-hospitals', 'ed25519', '\x8978b954ad480a7dcfec7ccd7b055b7a278c2c5522325d8c8c3f3234263476e0', '2026-12-06 17:32:38.001196+00', '2028-12-05 17:37:38.001196+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('0a8d2c7c4d65da918eb7be98ebc54f99', 'northshire-academy', 'x25519', '\xff9f1ce17731380ca50f3f7e81fdd7d41638c304849029add6db8526d36bbd57', '2026-12-06 17:32:38.0629+00', '2028-12-05 17:37:38.0629+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('ba89830ff806ec0023e7866b8cbdb63d', 'northshire-academy', 'ed25519', '\xd674506478564db85933abe0ed2208c4785d6ee3da7969d80387296e0c102ed2', '2026-12-06 17:32:38.0629+00', '2028-12-05 17:37:38.0629+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('3a2a40206e0d3347b4c376b46234a42b', 'northshire-homes', 'x25519', '\x689c8d7fa8c62005ee47a89ea4775744dbe10cd55cba981891723d0780106526', '2026-12-06 17:32:38.134263+00', '2028-12-05 17:37:38.134263+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('332897672d66add05c975c9932f13260', 'northshire-homes', 'ed25519', '\xe2b26a55c28cb7c98cd55a946e70f8672d023e1d0e5287ded19e2d61b56d9d3d', '2026-12-06 17:32:38.134263+00', '2028-12-05 17:37:38.134263+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('5d0ee65ece6b2f25e46c796e5054ca1a', 'northshire-yjs', 'x25519', '\xd0011d12f93def350c8b3fbba74654e677a6e8027960e6d44fdaf8db72770062', '2026-12-06 17:32:38.229666+00', '2028-12-05 17:37:38.229666+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('ed94d777c0d6fdc0991f3839310e7ff1', 'northshire-yjs', 'ed25519', '\xfd8b0e14b8a7a984fa1c90c6f17018a3e8fdc52ed118fc8dfe1c11bea21a685e', '2026-12-06 17:32:38.229666+00', '2028-12-05 17:37:38.229666+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('fa28134b7a17254a5cfa5ae015b94596', 'northshire-mash', 'x25519', '\xa2aa819cdcdfc9fe8200288a21929790b0b8134205063ce3d977995b4d06a523', '2026-12-06 17:32:38.314561+00', '2028-12-05 17:37:38.314561+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('933580725f47b42739b02022ee231163', 'northshire-mash', 'ed25519', '\x8ff7d85a047d4679a571cbcb8d2f7d90755a9bcb4eeb938db71559edcd1e4541', '2026-12-06 17:32:38.314561+00', '2028-12-05 17:37:38.314561+00');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (1, '2026-12-06 17:40:48.751774+00', 'ISR-20261206-KCBCXM6L', 'intake', 'pc-ahmed', 'request received', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (2, '2026-12-06 17:40:48.869572+00', 'ISR-20261206-KCBCXM6L', 'intake', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (3, '2026-12-06 17:40:51.387683+00', 'ISR-20261206-KCBCXM6L', 'triage', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (4, '2026-12-06 17:40:51.757433+00', 'ISR-20261206-KCBCXM6L', 'record', NULL, 'decision recorded: REFUSE', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (5, '2026-12-06 17:40:51.88093+00', 'ISR-20261206-KCBCXM6L', 'outcome-notice', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.decision_chains (agency, seq, head_sha256, updated_at) VALUES ('northshire-council', 1, '820019060445ca233307a5a32e76c63f59ad85047eb437bda40f78d4f4a30863', '2026-12-06 17:40:51.75744+00');
INSERT INTO __SCHEMA__.decision_records (id, ref, recorded_at, decision, requesting_agency, disclosing_agency, urgency, due_at, decided_at, envelope_id, envelope_sha256, chain_seq, prev_sha256, record_sha256, public, personal_commitments, sealed_personal, disposed_at) VALUES (1, 'ISR-20261206-KCBCXM6L', '2026-12-06 17:40:51.709808+00', 'REFUSE', 'northshire-police', 'northshire-council', 'AMBER', '2026-12-09 17:00:00+00', '2026-12-06 17:40:51.709808+00', NULL, NULL, 1, '0000000000000000000000000000000000000000000000000000000000000000', '820019060445ca233307a5a32e76c63f59ad85047eb437bda40f78d4f4a30863', '{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:40:51.709808+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:40:48.750456+00:00","reference":"ISR-20261206-KCBCXM6L","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-06","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '{"consent_reason":"f9ed8fa31a923f760620f1f15f959680e37f9fd24eac0dd540cc5b81c6ca74b8","consequence_if_not_shared":"f7146699dcece81c8ac1744a31ba63cb9e409ae1986686a0a2a9263722bf783d","naming_offence_would_prejudice":"c38e2385a1f0321023fc8446ef5aa58ac68ec687a5b6619a0c421e8822b26cf7","necessity":"498f75973fcf1658758c8d2e54da02901cc8cf3c23bc59e94674b799dc8fdfb8","offence_or_risk":"c497f6447323d555c3c309b35511a2023882648f0bc6b0606114af6d673bc98a","subjects":"9cc489e526ddc0edd455650dc4553fc02b2daf3113f923e45d7f07e7411cd201","third_parties":"1ca1a7e7711c61a43c1c7f0203c9fb4a68827b3672e02badec91a40048b37fcd"}', '\xe82c45c1f9ccdcc30438a36ecd6a490c93726d7c93170975c5cca003f6e31826ebb5a94b26c8b136c75e3f4f1a12dd6afc65e9ab3149db7959384020cf67ef6ce41102c7ea4b6dab7286cba7cd2c9aafd54fe7d76f737e94e2584495038155b4728738f2f66ef5048952c0bc07bd9fcb5a3f141279c668a252ed6520118ce81544322e586c9d5ab939c98c9e326b16974f0aad84795f23ed1812564447af8ca0fb6b3a667889746fe7e61953a5bc3f8446681a5b570431aa02775db7b75f24b893f76b350797eea6040379d4bb550a720d15831a4c496882cc032af8eacf5c498084bae3686cdf0aa16428096f9fd4d3a2e4be9be2ba5a2bb9dcaff912847b354f402b48bc2c1653eec38ef36460aa45b43886755e2cb4a6cbcb5cae60fa6d830575eeda63de5310da7e19804e19e3287989035ff298e33ad8babfcff46508cfe502cc59c9c2191887977c50080e3ed44fa84743ca36dab027d7126a5915bc64d9a2920e6f89e4249096bfa4dad20fe158fdc2fddd74382cc69314ad44b83c88f56d6658c28ee7ac314fd62ae61c4c98573f20443b199631a6845aa1b584b96b5a676c66f774b1fc95f7e9d9f4495324a580e16775c74da7f728a1cfdb1cf9d15abbfb52a7de136688ab542fb9fb50552648eb3272a096d37b584a18c4a4efc8bcdd62998932117d3bdfee9d019c56dbb712a4852910e3cdf342f535ec1e3c8a8c26070848d404470207e8afcef6e679924097761ef34c8c3cd74bebe23fc510a66ecd3d6d94e3f92525cf5f25944c6dfefa754f692d9dc2a0c9c608356c507fdad7f084ad62c5d26999cfc6f5578c09d2aafc21b57c4a64ded1f0db793d63b0ffe3e751db6f496d41072fd363ed40683debe28980a6c1a33308bc6b6117190003007b7a5dc676e96d811760eeddf81596daf7cb3010d2da72a56533f749c6f08185a3515b4dbe543ae415a6aa49881b0a27dffa97ea9c919e3e7f47b4f69e24d85ddacd6da3f9b13cd5ad49ad099d34cba47ef96fa713d5bdc8f174fca80bce3d00c3c0f462f5ca3799abf9b87d9fc855c33dde515ac5f2eb41c0646999b98510659508978505eca99dff7a9fcb5c1e76cd2d0a5ed9dda3ab26b5955835cbbd93c50bcde735d5b3b586a4b9d8181444e36916e0ec3df9004cf28808411ffdcdd535abc4902f8a706c1891c4c874af7fd1a0', NULL);
INSERT INTO __SCHEMA__.isas (reference, title, parties, valid_from, valid_to) VALUES ('NCSP-ISA-2026-01', 'Northshire Community Safety Partnership information sharing agreement', '["northshire-academy","northshire-council","northshire-homes","northshire-hospitals","northshire-mash","northshire-police","northshire-yjs"]', '2026-01-01 00:00:00+00', '2031-01-01 00:00:00+00');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('pc-ahmed', 'northshire-police', 'PC Sam Ahmed', 'Constable', 'sam.ahmed@police.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('ds-okafor', 'northshire-police', 'DS Chi Okafor', 'Sergeant', 'chi.okafor@police.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('insp-hughes', 'northshire-police', 'Insp. Rhian Hughes', 'Inspector', 'rhian.hughes@police.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('ci-patel', 'northshire-police', 'Ch. Insp. Dev Patel', 'Chief Inspector', 'dev.patel@police.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('council-officer', 'northshire-council', 'Alex Morgan', 'Information Governance Officer', 'alex.morgan@council.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('council-senior', 'northshire-council', 'Jo Whitfield', 'Senior Manager', 'jo.whitfield@council.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('council-head', 'northshire-council', 'Sam Okoro', 'Head of Service', 'sam.okoro@council.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('nurse-lee', 'northshire-hospitals', 'Kim Lee', 'Safeguarding Nurse', 'kim.lee@hospitals.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('caldicott-rao', 'northshire-hospitals', 'Dr Priya Rao', 'Caldicott Guardian', 'priya.rao@hospitals.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('caldicott-deputy', 'northshire-hospitals', 'Dr Owen Hale', 'Deputy Caldicott Guardian', 'owen.hale@hospitals.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('school-dsl', 'northshire-academy', 'Mark Evans', 'Designated Safeguarding Lead', 'mark.evans@academy.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('school-office', 'northshire-academy', 'Ruth Clarke', 'Data Manager', 'ruth.clarke@academy.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('school-head', 'northshire-academy', 'Helen Price', 'Headteacher', 'helen.price@academy.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('housing-officer', 'northshire-homes', 'Tom Baker', 'Housing Officer', 'tom.baker@homes.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('housing-manager', 'northshire-homes', 'Nia Jones', 'Tenancy Services Manager', 'nia.jones@homes.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('housing-head', 'northshire-homes', 'Ravi Shah', 'Head of Housing', 'ravi.shah@homes.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('yjs-worker', 'northshire-yjs', 'Ben Carter', 'YJS Case Manager', 'ben.carter@yjs.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('yjs-manager', 'northshire-yjs', 'Ola Adeyemi', 'Service Manager', 'ola.adeyemi@yjs.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('yjs-manager-2', 'northshire-yjs', 'Cara Flynn', 'Service Manager', 'cara.flynn@yjs.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('mash-social-worker', 'northshire-mash', 'Sara Novak', 'MASH Social Worker', 'sara.novak@mash.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('mash-manager', 'northshire-mash', 'Liam Byrne', 'MASH Manager', 'liam.byrne@mash.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('mash-deputy', 'northshire-mash', 'Eve Walsh', 'MASH Manager', 'eve.walsh@mash.northshire.example');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-KCBCXM6L', 'intake', 'DONE', 0, NULL, '2026-12-06 17:40:48.869445+00', '{"prefect_parameters_redacted":true}', '\xdacc9ef85d0f636eb01195d5cea809e05b92fa3236864decf2579bfa22ca', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-KCBCXM6L', 'triage', 'DONE', 0, NULL, '2026-12-06 17:40:51.38758+00', '{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","emergency":false,"isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}', '\x2acdb30e77b2c8bba15edffaabd99cc8bf9b73f9e91859f3fce940d5d71a', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-KCBCXM6L', 'outcome-notice', 'DONE', 0, NULL, '2026-12-06 17:40:51.880836+00', '{}', '\xb96648b8b6bfc85a37341003eadc2249e8d3f5008d56e873c66f3fa1a749', NULL, NULL);
INSERT INTO __SCHEMA__.requests (ref, flow_run_id, received_at, requesting_agency, disclosing_agency, requester_id, urgency, due_at, status, public, wrapped_key, sealed_request) VALUES ('ISR-20261206-KCBCXM6L', '1964f49a-8984-4c9f-af34-564a7808a01b', '2026-12-06 17:40:48.750456+00', 'northshire-police', 'northshire-council', 'pc-ahmed', 'AMBER', '2026-12-09 17:00:00+00', 'DECIDED', '{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","risk_to_life":false,"sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '\xec7977635a023d66aecc0822a7955aaeb6020326e27bbdff1771a56596c506617d8f78e27692c492c31ab27bd7fe42c8d5ccae04d5f2fa3124dfea28', '\x3ac0e73efeab8f99296e363405771c22aaee0d1ee90916a9bcd73a75a89e891471bd8ccb9de35aca0f64a20f3be2bada6a6f82ee2c115ff25ecea5b2c222e6824f12438f6140c8debb93b5985aabf57ab341f1c0881e64cce5b0aeb27bffb8e4d57d46abf462732f607b277d8b2845fd35e7b0b28e009f258ca1566e5bb5c26c83ba45c3511b37d1edbc3745f19b2d48a431419f0aa4b16db82037c4d9af589001aa80ba1c693dea2139c1016039ab1261fb407289930fc10c43b2aae2c3bbd691a496329faf3661dddb26f01945982633f2bf51d2643f78923a0c1f5cce8d5113a70c49ef5fbd43143980f4e136c95c1c19cd719353108a260b2bf5d37ebc3e6ed088587219d701ce5c45d2ab8ba4a222eb993e2fd7339b68871729936d4b7086b5c880c3b492017a11dfe0a9763cce8309adc6606a9c71a5eab88328cde7811d36e7811af2c657904f6dd59ce021e44184879d79a21dae3692e344ee41affe63e63840b7b44d3a576d10aaa6452d76f565bc870d0021e38e82c2c5427564fda30bcf3a9c39dd34f561da9d0e215628063b538f734037e2a422fa8e0d0b3a89d89a8c6b1dd37f38ce30228c58b962754f3e8224e36167388e3b6ae869f1376049beb33e95f0f8210c183ef3cb08896b2a1eabb863c2629823939cbb54203adcbdd8f74df30d0554c2c2df9daa7f63acfcf1807ed31015a8c610d2b7b26d9f7855f22f59af28b1d660f153e316908bcdd0626802c88e366a731afe2b84f7ffd4591a9640bd6d3e96167a98028e65111caa636910f3ccdf21ec0ba5a101be2609b6a57f12d6f49e2b7c18451486d6e7c0cb76bf5e3912257a1017c7f6f65197f812337d000a9f95f3948609972d4907b8dbe4e26dab4de73ad48336d713ffe2b5227da6e6d2c7444945c93c799d56b65ad1974a6940669a62d6191351f71466edadbf4ab259f4b560e6157235b9769c24f22fb0a8187498304f0e02d66f8e23501e07c9b41d6f82141f8fcd4e87c4b3dcf8e96f77c817990da690aece60484a86961a2c451fe8edf6a5be1dab8a30a6ce8924a03b0ff9197b78c700a9a066f20d8c45e5ffd8ce6ccfde32662d12432f849b34682129f601cff5ad4c3c4ef4e4984e21d245bf515a3bd271602e65c3b35336e957b3544e32ac7503e6eb8ea27a00c918a2e6772c503a9f732426a17725d1566a196ae3be98714bdb26ce75d8d2ad2577fffe89f26bd9ea9c22a7f19ab62872ec204d1941e515dcb5706880aff22a9d8c51a3e0af9872b4fe5ead55713fb613921ec289b319e86938e4964c4056d943dec3c6168c');
INSERT INTO __SCHEMA__.subject_index (id, ref, disclosing_agency, requesting_agency, name_tag, name_dob_tag) VALUES (1, 'ISR-20261206-KCBCXM6L', 'northshire-council', 'northshire-police', 'eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e', '17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
SELECT pg_catalog.setval('__SCHEMA__.audit_events_id_seq', 5, true);
SELECT pg_catalog.setval('__SCHEMA__.decision_chain_floors_id_seq', 1, false);
SELECT pg_catalog.setval('__SCHEMA__.decision_checkpoints_id_seq', 1, false);
SELECT pg_catalog.setval('__SCHEMA__.decision_records_id_seq', 1, true);
SELECT pg_catalog.setval('__SCHEMA__.one_time_codes_id_seq', 1, false);
SELECT pg_catalog.setval('__SCHEMA__.subject_index_id_seq', 1, true);
ALTER TABLE ONLY __SCHEMA__.agencies
    ADD CONSTRAINT agencies_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.agency_intakes
    ADD CONSTRAINT agency_intakes_pkey PRIMARY KEY (agency_id);
ALTER TABLE ONLY __SCHEMA__.agency_keys
    ADD CONSTRAINT agency_keys_pkey PRIMARY KEY (key_id);
ALTER TABLE ONLY __SCHEMA__.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.decision_chain_floors
    ADD CONSTRAINT decision_chain_floors_agency_seq_key UNIQUE (agency, seq);
ALTER TABLE ONLY __SCHEMA__.decision_chain_floors
    ADD CONSTRAINT decision_chain_floors_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.decision_chains
    ADD CONSTRAINT decision_chains_pkey PRIMARY KEY (agency);
ALTER TABLE ONLY __SCHEMA__.decision_checkpoints
    ADD CONSTRAINT decision_checkpoints_agency_seq_key UNIQUE (agency, seq);
ALTER TABLE ONLY __SCHEMA__.decision_checkpoints
    ADD CONSTRAINT decision_checkpoints_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.decision_records
    ADD CONSTRAINT decision_records_disclosing_agency_chain_seq_key UNIQUE (disclosing_agency, chain_seq);
ALTER TABLE ONLY __SCHEMA__.decision_records
    ADD CONSTRAINT decision_records_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.decision_records
    ADD CONSTRAINT decision_records_ref_key UNIQUE (ref);
ALTER TABLE ONLY __SCHEMA__.isas
    ADD CONSTRAINT isas_pkey PRIMARY KEY (reference);
ALTER TABLE ONLY __SCHEMA__.item_contents
    ADD CONSTRAINT item_contents_pkey PRIMARY KEY (ref, item_id);
ALTER TABLE ONLY __SCHEMA__.one_time_codes
    ADD CONSTRAINT one_time_codes_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.people
    ADD CONSTRAINT people_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.person_keys
    ADD CONSTRAINT person_keys_pkey PRIMARY KEY (key_id);
ALTER TABLE ONLY __SCHEMA__.request_steps
    ADD CONSTRAINT request_steps_pkey PRIMARY KEY (ref, step);
ALTER TABLE ONLY __SCHEMA__.requests
    ADD CONSTRAINT requests_flow_run_id_key UNIQUE (flow_run_id);
ALTER TABLE ONLY __SCHEMA__.requests
    ADD CONSTRAINT requests_pkey PRIMARY KEY (ref);
ALTER TABLE ONLY __SCHEMA__.seen_envelopes
    ADD CONSTRAINT seen_envelopes_pkey PRIMARY KEY (message_id);
ALTER TABLE ONLY __SCHEMA__.subject_index
    ADD CONSTRAINT subject_index_pkey PRIMARY KEY (id);
CREATE INDEX ix_agency_keys_agency_id ON __SCHEMA__.agency_keys USING btree (agency_id);
CREATE INDEX ix_audit_events_ref ON __SCHEMA__.audit_events USING btree (ref);
CREATE INDEX ix_decision_chain_floors_agency ON __SCHEMA__.decision_chain_floors USING btree (agency);
CREATE INDEX ix_decision_checkpoints_agency ON __SCHEMA__.decision_checkpoints USING btree (agency);
CREATE INDEX ix_decision_records_decision ON __SCHEMA__.decision_records USING btree (decision);
CREATE INDEX ix_decision_records_disclosing_agency ON __SCHEMA__.decision_records USING btree (disclosing_agency);
CREATE INDEX ix_one_time_codes_ref ON __SCHEMA__.one_time_codes USING btree (ref);
CREATE INDEX ix_people_agency_id ON __SCHEMA__.people USING btree (agency_id);
CREATE INDEX ix_person_keys_person_id ON __SCHEMA__.person_keys USING btree (person_id);
CREATE INDEX ix_records_ref_outcome ON __SCHEMA__.decision_records USING btree (ref, decision, decided_at);
CREATE INDEX ix_records_requesting ON __SCHEMA__.decision_records USING btree (requesting_agency);
CREATE INDEX ix_requests_disclosing_agency ON __SCHEMA__.requests USING btree (disclosing_agency);
CREATE INDEX ix_requests_disposed_disclosing_agency ON __SCHEMA__.requests USING btree (disclosing_agency) WHERE (wrapped_key IS NULL);
CREATE INDEX ix_requests_disposed_requesting_agency ON __SCHEMA__.requests USING btree (requesting_agency) WHERE (wrapped_key IS NULL);
CREATE INDEX ix_requests_received_covering ON __SCHEMA__.requests USING btree (received_at, ref, urgency, disclosing_agency, due_at);
CREATE INDEX ix_requests_requesting_agency ON __SCHEMA__.requests USING btree (requesting_agency);
CREATE INDEX ix_requests_status_due ON __SCHEMA__.requests USING btree (status, due_at);
CREATE INDEX ix_seen_envelopes_expires ON __SCHEMA__.seen_envelopes USING btree (expires);
CREATE INDEX ix_subject_index_name_dob_tag ON __SCHEMA__.subject_index USING btree (name_dob_tag);
CREATE INDEX ix_subject_index_name_tag ON __SCHEMA__.subject_index USING btree (name_tag);
CREATE INDEX ix_subject_index_ref ON __SCHEMA__.subject_index USING btree (ref);
CREATE TRIGGER decision_chain_floors_append_only BEFORE DELETE OR UPDATE ON __SCHEMA__.decision_chain_floors FOR EACH ROW EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
CREATE TRIGGER decision_chain_floors_forward BEFORE INSERT ON __SCHEMA__.decision_chain_floors FOR EACH ROW EXECUTE FUNCTION __SCHEMA__.infoshare_floor_forward();
CREATE TRIGGER decision_chain_floors_no_truncate BEFORE TRUNCATE ON __SCHEMA__.decision_chain_floors FOR EACH STATEMENT EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
CREATE TRIGGER decision_checkpoints_append_only BEFORE DELETE OR UPDATE ON __SCHEMA__.decision_checkpoints FOR EACH ROW EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
CREATE TRIGGER decision_checkpoints_no_truncate BEFORE TRUNCATE ON __SCHEMA__.decision_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
CREATE TRIGGER decision_records_append_only BEFORE DELETE OR UPDATE ON __SCHEMA__.decision_records FOR EACH ROW EXECUTE FUNCTION __SCHEMA__.infoshare_records_disposal();
CREATE TRIGGER decision_records_no_truncate BEFORE TRUNCATE ON __SCHEMA__.decision_records FOR EACH STATEMENT EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
ALTER TABLE ONLY __SCHEMA__.agency_intakes
    ADD CONSTRAINT agency_intakes_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES __SCHEMA__.agencies(id);
ALTER TABLE ONLY __SCHEMA__.agency_keys
    ADD CONSTRAINT agency_keys_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES __SCHEMA__.agencies(id);
ALTER TABLE ONLY __SCHEMA__.decision_chain_floors
    ADD CONSTRAINT decision_chain_floors_checkpoint_id_fkey FOREIGN KEY (checkpoint_id) REFERENCES __SCHEMA__.decision_checkpoints(id);
ALTER TABLE ONLY __SCHEMA__.decision_records
    ADD CONSTRAINT decision_records_ref_fkey FOREIGN KEY (ref) REFERENCES __SCHEMA__.requests(ref);
ALTER TABLE ONLY __SCHEMA__.item_contents
    ADD CONSTRAINT item_contents_ref_fkey FOREIGN KEY (ref) REFERENCES __SCHEMA__.requests(ref);
ALTER TABLE ONLY __SCHEMA__.one_time_codes
    ADD CONSTRAINT one_time_codes_ref_fkey FOREIGN KEY (ref) REFERENCES __SCHEMA__.requests(ref);
ALTER TABLE ONLY __SCHEMA__.people
    ADD CONSTRAINT people_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES __SCHEMA__.agencies(id);
ALTER TABLE ONLY __SCHEMA__.person_keys
    ADD CONSTRAINT person_keys_person_id_fkey FOREIGN KEY (person_id) REFERENCES __SCHEMA__.people(id);
ALTER TABLE ONLY __SCHEMA__.request_steps
    ADD CONSTRAINT request_steps_ref_fkey FOREIGN KEY (ref) REFERENCES __SCHEMA__.requests(ref);
ALTER TABLE ONLY __SCHEMA__.subject_index
    ADD CONSTRAINT subject_index_ref_fkey FOREIGN KEY (ref) REFERENCES __SCHEMA__.requests(ref);
