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
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('2e1497bff1cf32495c91eaf8ab174ac4', 'northshire-police', 'x25519', '\x838a7616819b5ada7c09d410dddfadff2f9ab48d3ed35ea90093954c868ae71e', '2026-12-06 17:26:33.386705+00', '2028-12-05 17:31:33.386705+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('dc43072829cdf165bda2eaa34bebfcbc', 'northshire-police', 'ed25519', '\xedbb734b062677d8d9a4404c8664ea8ad92316bd5625ae727148ce4f1f99f24f', '2026-12-06 17:26:33.386705+00', '2028-12-05 17:31:33.386705+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('212327a7653cc51c6ffa96a2e8a48fb8', 'northshire-council', 'x25519', '\x9e49e6b4b0163fdac184accfff8ee094c3bd78c527ac27b52780b388c59f423b', '2026-12-06 17:26:33.773345+00', '2028-12-05 17:31:33.773345+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('b09d4176418319ca729059d62705143b', 'northshire-council', 'ed25519', '\x967c289dee97e1ecd00fadd130a381b044e862d253942da04367ada5105fb203', '2026-12-06 17:26:33.773345+00', '2028-12-05 17:31:33.773345+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('ef188bced1eaf6a097113106a2554033', 'northshire-hospitals', 'x25519', '\xf5262692a3761ddf6121fd191f17a27ecd2736d6e39fc4f70d8e6851a952dc2b', '2026-12-06 17:26:33.802661+00', '2028-12-05 17:31:33.802661+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('eef693caee4dfdf5cf4ef0fb0a1c9e6e', 'northshire-hospitals', 'ed25519', '\x9edf5d88d41d9c242e0369cf331e4df743489891ca384b2edf20a96218dba499', '2026-12-06 17:26:33.802661+00', '2028-12-05 17:31:33.802661+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('8b5c2e1d61fa844b5801057352bef361', 'northshire-academy', 'x25519', '\xd38b034ec142a660bf2017afa5cea30a6a214355d80c0741cde23f34fcb83a20', '2026-12-06 17:26:33.834537+00', '2028-12-05 17:31:33.834537+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('a6881f9cf3abfc824b5695e36a921e96', 'northshire-academy', 'ed25519', '\xeaa3750c9be6acdde9c3ed6f22e6bba5b52ee0f595f8df03aaf6e638e83e38a7', '2026-12-06 17:26:33.834537+00', '2028-12-05 17:31:33.834537+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('b9d7fa11f922bd438860e9f2be2a0a39', 'northshire-homes', 'x25519', '\x1b029ad72cb6c9b69affabe225954c11451260a632516078d287b50d60d5ad47', '2026-12-06 17:26:33.851119+00', '2028-12-05 17:31:33.851119+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('cdb33305ec973da6ae7318299bd41bdb', 'northshire-homes', 'ed25519', '\xfa4a0537119bc52faef0c673ebde89451697170d71b4cf9736d95bc95d92213f', '2026-12-06 17:26:33.851119+00', '2028-12-05 17:31:33.851119+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('9f9919114fae75b4fcdd3a95592488f3', 'northshire-yjs', 'x25519', '\x2c5111e1a9149a8b49c174b7d4cdd6562b2365986d6b38e8199c50f58aeb245d', '2026-12-06 17:26:33.86968+00', '2028-12-05 17:31:33.86968+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('2aac8e4f8ca775954fbccada5195b855', 'northshire-yjs', 'ed25519', '\x8e53cc3892fc3b6e3c00a998668d7477e67bda79827f0b82244855b577d631d0', '2026-12-06 17:26:33.86968+00', '2028-12-05 17:31:33.86968+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('a3fbf385620d3b086550cb02bda52ea2', 'northshire-mash', 'x25519', '\x91ab8f013a90aef3ee0840a9aff5ee4207b2c420ffdfc19757923401d6089415', '2026-12-06 17:26:33.888534+00', '2028-12-05 17:31:33.888534+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('4e45ca1901067436db6720dc14b29817', 'northshire-mash', 'ed25519', '\x8695f7c3527185c849166e562e818c939bf584047843f52eccf42d1e768ec872', '2026-12-06 17:26:33.888534+00', '2028-12-05 17:31:33.888534+00');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (1, '2026-12-06 17:33:18.409369+00', 'ISR-20261206-8RQ9MHPN', 'intake', 'pc-ahmed', 'request received', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (2, '2026-12-06 17:33:18.449294+00', 'ISR-20261206-8RQ9MHPN', 'intake', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (3, '2026-12-06 17:33:19.60892+00', 'ISR-20261206-8RQ9MHPN', 'triage', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (4, '2026-12-06 17:33:19.828158+00', 'ISR-20261206-8RQ9MHPN', 'record', NULL, 'decision recorded: REFUSE', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (5, '2026-12-06 17:33:19.877486+00', 'ISR-20261206-8RQ9MHPN', 'outcome-notice', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (6, '2026-12-06 17:33:19.984792+00', 'ISR-20261206-8RQ9MHPN', NULL, 'pc-ahmed', 'notified', 'outcome via outbox');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (7, '2026-12-06 17:33:20.086532+00', 'ISR-20261206-8RQ9MHPN', 'decision-artifact', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.decision_chains (agency, seq, head_sha256, updated_at) VALUES ('northshire-council', 1, '3bcc90418b4adc8bbd4e882cb560afadfa2e6179bedf08029c34f59b94cfca3b', '2026-12-06 17:33:19.828142+00');
INSERT INTO __SCHEMA__.decision_records (id, ref, recorded_at, decision, requesting_agency, disclosing_agency, urgency, due_at, decided_at, envelope_id, envelope_sha256, chain_seq, prev_sha256, record_sha256, public, personal_commitments, sealed_personal, disposed_at) VALUES (1, 'ISR-20261206-8RQ9MHPN', '2026-12-06 17:33:19.80422+00', 'REFUSE', 'northshire-police', 'northshire-council', 'AMBER', '2026-12-09 17:00:00+00', '2026-12-06 17:33:19.80422+00', NULL, NULL, 1, '0000000000000000000000000000000000000000000000000000000000000000', '3bcc90418b4adc8bbd4e882cb560afadfa2e6179bedf08029c34f59b94cfca3b', '{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:33:19.804220+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:33:18.408475+00:00","reference":"ISR-20261206-8RQ9MHPN","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-06","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '{"consent_reason":"8a7570c4f3e86a664729c688e4e8de6dd8ae23254c1dbd3c00f3901eef730695","consequence_if_not_shared":"4645bf1a20168ed2e47fd26fffca8de7ffc1a7d50636de9de3fe865d8e03afec","naming_offence_would_prejudice":"646186582d3107fc768160a31cee30ed3f3f44e2cf0a2e6594c24584a3785422","necessity":"c580585c6dbeef6edd053510ef08a89028b3001df4ca334b98f9f1058338ba42","offence_or_risk":"3f00ca354d52ac1a69a1da25aad3634ab4d9d9bf7f5aa7d500d19bcbd4e9f0fd","subjects":"ecaf95c80a6a81370463caa721e4aaae107dd32d5c6596b215699de0849b5a76","third_parties":"1d9ab72cc4467cf6f3e46c510fc97a0f3e7677eb0bda1b8648b5e64f11d9520a"}', '\x48b55ce0fab49e8a5997faa6bdbcfd0bc49b3e704d510d15349bbea1c9987df569db71d10511bbfc4de3ccd5a965e4b9ee2eb5a2f59e1b7ad3edd8d105fb9af37c68b2b68f924356a4612d55bdaeb63f3dcb2d5d809a468fe29b1958d953b7ec4e133ad017d143b750696d96d3c9d2e86d500309837a771739fec17e52d619802fc975d9b365879e4e7da92bd7062acf6c4630134a3bd0f69aaf74570b4743d1ea8d8ba9cb3b217111863bf60c43dbc56341a7d0fa208cc817074aafda503b64fc13b841311eaa4488fc369b80caab6a3b675b22956e3abce0dc68109de116a5acf54d6a743cd7409c9c12afc12a3d6a51d9bb42e505cc135d73505f4a33ab3565b08dd6084ba40944b42c5211444e5a478eb88eb23be723e7073dd34c01a27ed4b4d0e8e9d61a4414e54a7d6efaffb56a33930401104a944d097b8bffb599f7f8b03808daf8d094831135c0d695a1eeacc018b176dc5ef714cbcd77dc97e1ec4b302e48dfa200aa24ce8898b9d5fa6de8aa3d7c444c06b7a8c1b7d332cc5a1bd3db2d86b5f3103d45e8912e2f23fed3d1a1dbff39d3fc90958fbfb3600207c09c46b95c29e04d8b1ce276c137573cc1c722d83f4c81b8f24a4089909296a43cb727f871d2651274fd301be952bc73b546e1334333ac7f4d740305f668ddce61ec516d7a4aec9cc9ccbd71725f1d7d8c9ce5da3443bc5e0d2cbad921a9cddb67869ea028cfcad8e33f48143ecad4ab3dd42a8a68e1451a34cd46ec93f893a40ef28a740829deed7a8b328864ca79ab15a1da580b0f75199804ac287fd51f5bd65e94fac1b14942be9a70741da769b791740caf3d0b50de9845ffafd28655513f3cdd843e4b12c8a7c5ec89978cd9ae52ca2da0a7dcf31e39014ab1cb96d7e0c1a9c810e6b89e3ec311ec33f219d2e45cc212996aba23419da82334cb31b03d375f0c5cc84dc0ffb29fb0f708db5feffa7b254e1320c57f27507179dc1fa447632027f1203eaf76a4d0e30cf61aedf567d5bdc11dcb2ffc84493500ddc2201161011ba274784fd2d2c0dd844488e395ce7afff60b50c79dc98dbefa70cec72d64314da0a90826abb7980f05cb14e8e1c785227271881aa6554105bec21be84a9f9d335f2c642db5fc59fdf1c303ed0658b9a5f729774d358c7880cdc667d0b19ff76cfe9f831e22ed7c333955953eb2171f45', NULL);
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
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-8RQ9MHPN', 'intake', 'DONE', 0, NULL, '2026-12-06 17:33:18.449185+00', '{"prefect_parameters_redacted":true}', '\x6c6e01eae170430bbf18d05230dc5e5c0ea925e74fa7b7b9b5819e225330', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-8RQ9MHPN', 'triage', 'DONE', 0, NULL, '2026-12-06 17:33:19.608807+00', '{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","emergency":false,"isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}', '\x4e51b83d2e719b2537b4cbd1ffc33c6634d844436e8705d77b8bc461cbb9', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-8RQ9MHPN', 'outcome-notice', 'DONE', 0, NULL, '2026-12-06 17:33:19.877375+00', '{}', '\x6869abb540d566d72bb1ba1959d3c3f06de33449dd5466ff6286a602dcb7', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-8RQ9MHPN', 'decision-artifact', 'DONE', 0, NULL, '2026-12-06 17:33:20.086424+00', '{}', '\x601e7c531d12d1a881d66ae05ad2540becd1ef9547041ab91a3f320a1c01', NULL, NULL);
INSERT INTO __SCHEMA__.requests (ref, flow_run_id, received_at, requesting_agency, disclosing_agency, requester_id, urgency, due_at, status, public, wrapped_key, sealed_request) VALUES ('ISR-20261206-8RQ9MHPN', '86716bb2-5c79-488a-ba6f-1639e2eb79df', '2026-12-06 17:33:18.408475+00', 'northshire-police', 'northshire-council', 'pc-ahmed', 'AMBER', '2026-12-09 17:00:00+00', 'DECIDED', '{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","risk_to_life":false,"sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '\x3de9ef3a1972b5ab23f32ff838ec57c5f3b5c4b72e63ca4eb126879eb779872077539e862dd7cdb3ae76cbe71f50b526537245eb1f070f8ac07de65b', '\xed02b1d1425bd167811c2d6d00baa6c40a1b63d30b7a31e91333ef640841f746cd8329bb18b732d5e40f66efaea68e13fb79bdf5c6616cf650f50a0a25908dac789d001a81c684eaade8c041b8459b627d9e7c986e9433cdc753102e432ba056cd0f653ea22b21d88b51b0a1b99b7604e69b304d969ff052291044c1e58f3884e6876ea108eee85ae510ab7a9ffd0ca2b05d28b9c3a2b592d5b60e4405e680a259f11513c38a1ab7e4dd600f1cbb13ed10877413cb9a68f5b11bf2419721f349a1b278efa132fbe0269009273e4ec2d31a5ea997e983bd627ad24c70abe873d71b0b13d448aaac15774e8fd5564617c8790f0f76fbb764915421403ad0a6ad5ed2b7e0f093df755630be2d1e09f6a68b9f1ed6876df6f5e983cd0e6d7f82425f67e54b8b1434922e8ff4adf4eb5e12d0d4da3e3c04d147a0d3c2e281ad1c31e7e7437cc693005eb67098671499852f0c412295d6c15b5c9581d1a23e9a2c60a7d32c91d953ad4d2ccbf989d80092734f55495175c755c03942b06845c126f033d27d7569355aa915debc0602661b48b2ba1f988d1a600f5c3d66ad024bec0fa946c276dd3fc8c5455ea6d3918169fbf28a6effb326c6a347e68f00a1166dee274a636487ac73fe4122d44d0b4afe9b078e8ab070ac6c790395392fcc14b7a4fba009fbb692e26e014b656ce3a4f806d807c1d18083c041ce13202b30e45aeb930c7a619c0c696050d9e41233c9dc3ca0d8e67b8982161f493fb96bdc12ec92683f9a66d6a794ef80f425202e3169919789f91562882b3ab1b3bd1c6c2f6e7b309c086b6a5253a3760d4e68a32f9acfac3e4b889126ee61d77e6d19b7b15c0598a1a4ebe57003a7823880a97317d1c4f26640f0bcf4d507d81867b09beb8f04ad58d2edf1776ff2a07ef829d91df927060daf528d757c031306cf916a8683bff938d53b0f5d3e84db79d3023069f7df64efe68a8e63e0f23341fd21038281fd5e0d37a07fc5f380079e72cf1c3b2c6c7a7573a1cc94e31939961db1b025a21ec834a926c887360b3391fe0900d3b9cd905a053da4a78f827f9fd04b36ba2f0e11cb3776838e0e609dc23a32d8fd9df1a8b8498ce5053043cbf5e7a1e2e9b4a02bda17d107b7936174b5336055cce1d3aed8a518f28dc192797046e318761fa6ae7cf18f8f3fed998b581d837a2bf23bfb8979b88146432d910a17882781deb1f4ab3f5db34b35e2fb1d91ecfc980bf7c1ee3ccef872b35aa9feac03e8c33750491ee6dae0466b2b4f607e8875d7c121168f93dc7f1b0c9176024d0a24e6b8be45d5687a8036f7');
INSERT INTO __SCHEMA__.subject_index (id, ref, disclosing_agency, requesting_agency, name_tag, name_dob_tag) VALUES (1, 'ISR-20261206-8RQ9MHPN', 'northshire-council', 'northshire-police', 'eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e', '17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
SELECT pg_catalog.setval('__SCHEMA__.audit_events_id_seq', 7, true);
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
CREATE INDEX ix_records_requesting ON __SCHEMA__.decision_records USING btree (requesting_agency);
CREATE INDEX ix_requests_disclosing_agency ON __SCHEMA__.requests USING btree (disclosing_agency);
CREATE INDEX ix_requests_disposed_disclosing_agency ON __SCHEMA__.requests USING btree (disclosing_agency) WHERE (wrapped_key IS NULL);
CREATE INDEX ix_requests_disposed_requesting_agency ON __SCHEMA__.requests USING btree (requesting_agency) WHERE (wrapped_key IS NULL);
CREATE INDEX ix_requests_received ON __SCHEMA__.requests USING btree (received_at);
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
