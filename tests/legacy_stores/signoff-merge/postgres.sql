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
CREATE FUNCTION __SCHEMA__.infoshare_records_disposal() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL
            AND NEW.sealed_personal IS NULL
            AND (to_jsonb(NEW) - 'sealed_personal' - 'disposed_at') = (to_jsonb(OLD) - 'sealed_personal' - 'disposed_at')
         THEN RETURN NEW; END IF;
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
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('b2e2d077f9104b785b8457bc21fcabd1', 'northshire-police', 'x25519', '\x8721a477443cba05aad6ea7ca49e823799c7e4e887c9a0cec9cfa1f71e34c23a', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('d92c65d1a17392f5bcd64362895b72e9', 'northshire-police', 'ed25519', '\x9ac25f2d011ea87c5587f485f01d9e927b9b4af959b15f1e3b14ae5c70a3f117', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('9c6582bb8131cd17e5bbc0958b56b84a', 'northshire-council', 'x25519', '\x88dfd7e8fcd92768f3aca1fffc99611a453f84482aaf4aeb15e1b4b5f239f941', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('fdb99b10bc0b3f93f839c1eac1bc3fc6', 'northshire-council', 'ed25519', '\x3c89b37eae1b4b8d0c1bf116c3bdd4594831406c763d2fcc00d1378377099be0', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('05c6148cfdb6ca001b1441edc2ea6887', 'northshire-hospitals', 'x25519', '\x053a25ca887eae70ec0af470bebd5eaeafa7f4f3302b56bdf709611f81da5f6f', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('c4fa4fe1ba88e483f97e6a8b3188d93c', 'northshire-hospitals', 'ed25519', '\xdddc166610b53399726bdc1f4fbfe6c395a66c2d4c40d711606bbdd06eadce16', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('4c3d2b0a7cd973310997424ca81471fd', 'northshire-academy', 'x25519', '\x93f524148391d85b8e99637104ffaf5159a65676f26acb14540ef6f55ae65356', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('c624401c8dacf24ae20548167be035dc', 'northshire-academy', 'ed25519', '\x63c4841220ad0147a29996c6e63c10a9090b3d3cf16296ebfdec022c915989f1', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('5a9f2e428a9436c028c1c71efc9ad19e', 'northshire-homes', 'x25519', '\x1c914a551d6a57ce709e9215364d367135b6ae6cabf14eb05c9ca3d0787e837f', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('046b6236a053d7211cccfe092b67d44f', 'northshire-homes', 'ed25519', '\x96d5776c147839259c1c4baa6cafa0bb3feed11bf6025aab005fcaf7d09329a0', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('97de934eb737a33b5d684cd2b23d9888', 'northshire-yjs', 'x25519', '\x42d2a8979ec57b829d31f79b1f045ab55b5c3a7bbe5516b83ed10dfa8f25eb24', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('3ceceda9bc4a1293308d53fe5cb3899e', 'northshire-yjs', 'ed25519', '\x533fef2dc1469685c1e21493c69b323520443bef4b0a02a4c537ec956a6092b3', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('9924bcf67639a4a9c36c4ea0b036df0b', 'northshire-mash', 'x25519', '\x80a5e8aba637e6588427cf2f70dc8724515b4e9ca91625fb388270c0f20e3f24', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('c64113ca5abd9fbbd3081c0b2ec9b60e', 'northshire-mash', 'ed25519', '\x83e2e5ec3c23b883ac95307b65155405c573fb2b58bdbd269fc05bd7029b863d', '2026-12-06 17:20:00.41094+00', '2028-12-05 17:25:00.41094+00');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (1, '2026-12-06 17:27:14.853043+00', 'ISR-20261206-AH8PNAN6', 'intake', 'pc-ahmed', 'request received', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (2, '2026-12-06 17:27:14.90891+00', 'ISR-20261206-AH8PNAN6', 'intake', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (3, '2026-12-06 17:27:17.461195+00', 'ISR-20261206-AH8PNAN6', 'triage', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (4, '2026-12-06 17:27:17.841408+00', 'ISR-20261206-AH8PNAN6', 'record', NULL, 'decision recorded: REFUSE', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (5, '2026-12-06 17:27:17.981904+00', 'ISR-20261206-AH8PNAN6', 'outcome-notice', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (6, '2026-12-06 17:27:18.176294+00', 'ISR-20261206-AH8PNAN6', NULL, 'pc-ahmed', 'notified', 'outcome via outbox');
INSERT INTO __SCHEMA__.decision_chains (agency, seq, head_sha256, updated_at) VALUES ('northshire-council', 1, 'bd43d407e8c26482551da36ede5cde4df0aedc077876cee5b46579bae0201e59', '2026-12-06 17:27:17.841397+00');
INSERT INTO __SCHEMA__.decision_records (id, ref, recorded_at, decision, requesting_agency, disclosing_agency, urgency, due_at, decided_at, envelope_id, envelope_sha256, chain_seq, prev_sha256, record_sha256, public, personal_commitments, sealed_personal, disposed_at) VALUES (1, 'ISR-20261206-AH8PNAN6', '2026-12-06 17:27:17.763143+00', 'REFUSE', 'northshire-police', 'northshire-council', 'AMBER', '2026-12-09 17:00:00+00', '2026-12-06 17:27:17.763143+00', NULL, NULL, 1, '0000000000000000000000000000000000000000000000000000000000000000', 'bd43d407e8c26482551da36ede5cde4df0aedc077876cee5b46579bae0201e59', '{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:27:17.763143+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:27:14.851145+00:00","reference":"ISR-20261206-AH8PNAN6","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-04","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '{"consent_reason":"d5f9dc6eede3a2409d43c4052646777c44b3eef0c88058177363ae5f43cf39e8","consequence_if_not_shared":"444fb119414ca2ea3f44013d4faacf4ac0ed72a15618db579bd810a90c5517ba","naming_offence_would_prejudice":"7447e3da7b4a67ab316c9aa7772246d53753f30603425f4a555f79c7c71336ec","necessity":"2c6ed4e0bb2b1940be30357b3da15aa30168f75e124054132cbdaab17d54430d","offence_or_risk":"4f419f98f53cdab6963db818fb5aa9d964c16e082ac1c0a59305834caea39cf1","subjects":"8a47e69751642e838f644d80966237f73ef60181c31205adfc0229f366846870","third_parties":"3691b90ce2d7bb1707c26341ba4a0cd712181d1fe78ff6c8bc77cebaf9596fa3"}', '\x799964dee8565e572ac77006b3906d15b3108d4a69d052866c7ceb1cb739c1011f61c046cda20d528cdd221f5d8d799c3f82a0f95353a822d462df3683c278d15254147b51e1c5057d38eda786b97daff6c5bb04dbbf82f9bf9e5e86292e2dcf9e787d6c9398c26f20d320216e270d5ee5f7a0168d61c2ed470d157b0e94e1eb663c122514d177110243f90359975c18044ade3718e79877738acc687776e1d66b6b14a8c02d8d19bd426ccbd2068357f5565b2e34c1614ccfaf985f224fc76bcf6b69f5e0fbdebf32379289065cbd337fa534c97093cf546190ce2d9431c694636a345df1ce75c04c4b58d9d83658c57e55178cd262f8547237ef46a7044a9a99f91f6ca1cf044fcac45624cdb53dd28db3166fb56990cafd9fd6ffbb8cd5fe68780e2d69dc6a7ea31923aeec5ac988dc632564cf5b017fb141f35223e0a2b9f23dbdef786849023b409b5f132643ba315cc3d904095e03f3aec4afa0d9136311bb4392a3f3372bde142acef4c804ad79e1b3fb5bf6d400ebf3094b8d6209f0db9f19a7f75e60c7c4c0362a88c954e080e0e6b80b1afb82c84a7778ccfc5b6ee879a33ea1ce1d95712354eddb8cc2e512db3e4ff6046ce0b2fdd4dbf45f98e5069a9691704d4595fa4c252e23fe3bc73c4d32bb2f1ca695847f081c2a64a884c59be4a29276701dfa285ca74bf1c4bfdbbb3311ace1526e3b4a75cc723ece86284d7b580445af2db7754b6aa14a13bf38e9adf76dd283f4bc65dfd631dc6a0ae8f17e42167250ba3f91983121bafc697e482d8de8072b3e0393f1a2d9d0056429210a41a53c991b2ff9a51b140507b5c670c5a5808b51bc87df446754600030757364a42078eb9459151d9d8481c1fc1190b717d3abd2780b08f59cf9b0c59f5a54607f9b5e160777d7058e5f89fd1a57ac4a239de62ce1b29e70a7dd0a8fd8eb696d3ca0d84f18fef55aae70f0c556dfe1fedea0000d4535e59cb7f47068eddb94138ca5b53f37ccd50ab8f4fd5f589848ea529f087190097e918856d28e25b7ebb5d501304f19763145c2bd3757a54e31c5c633ed20ae12caa5854ee314513e574b233f9b6a3698e3a30e1dc7657e27dc8b4f5c8e03d49c61bbd739c230265c3eaa067c8fafe05bc6c430a96ec4f3a24276f3ee094103cd5d3af27bb60749e63ff39bcd6a8b4eb132b43b827960c8e36d', NULL);
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
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-AH8PNAN6', 'intake', 'DONE', 0, NULL, '2026-12-06 17:27:14.908804+00', '{"prefect_parameters_redacted":true}', '\xafd8716dabf8003df9f31eca3f0578742e840059f95396a051f72b1c3a6f', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-AH8PNAN6', 'triage', 'DONE', 0, NULL, '2026-12-06 17:27:17.461078+00', '{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","emergency":false,"isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}', '\x6c60f850d11155ab8b5ee05d584fad1712b40358710b0ceed72dd658ed5d', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-AH8PNAN6', 'outcome-notice', 'DONE', 0, NULL, '2026-12-06 17:27:17.981806+00', '{}', '\xddf3d3d356fabe40a9ca85285701a76c8ce1eda7147c329f459167cefcf7', NULL, NULL);
INSERT INTO __SCHEMA__.requests (ref, flow_run_id, received_at, requesting_agency, disclosing_agency, requester_id, urgency, due_at, status, public, wrapped_key, sealed_request) VALUES ('ISR-20261206-AH8PNAN6', '1204f347-6049-4fe2-b230-fa0509f7f6b9', '2026-12-06 17:27:14.851145+00', 'northshire-police', 'northshire-council', 'pc-ahmed', 'AMBER', '2026-12-09 17:00:00+00', 'DECIDED', '{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","risk_to_life":false,"sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '\xb05fdc12f75201bcb2e809ae13eafbad5593b72421328c74dc5867cb21121938c063ae77648206c8aee854aca0aed7068815c4921fb85292a6cdb2c0', '\xfc46a1d79a2afc482e5f05f5fb93631422c5f0ea86691cbeaea2481259d8101bc335fe1f77c2394f255d487e5022805e806f51c3c81e9c0f1ca9a3ef62e3c5cd61b31ef29aae2ee28456089b5f226fd6fad1e7b9d5b3a8a5ec87681d8fccb0b6f226791f43f8768b6c8c6a0b69353280f833f4114ce1d2ba611ddeb1574610048e04f5a2715147cb81699e335357ce1e92ddcca05f14b44986ad81176edddfc1cf7253c1919d44c4f58148c94a7865adce76d623c3ab2fc02499231601f7d1d2b4242980f67514b1b9c47c0370fb6b9daa2b939466feeb3e1d5458880959da13080801902132dc1c32c3e0fe4f626c0cc38759b83cdd0f70840b27c5145ceea8d9b86af2580a51987463589f633c9b0027aff155132ce0288ecedcbdf31ec6987e1446e202fff28025972f87d4717bad73ceff0dfb6d21799ddeca2ab75315515f3a9b45a149159e3ac0cf94a2e4ccc8d2aa3838a66b265fc219bea5c5501bd8480b0956bb0ab8396917613981d68c266dea0b3e2f04e4f95e42128d129efc8a171698d9be848bccae9e0e944b71eadc0fc256c352344c3e341edb49359b3415ce9c9dfa84651dd5cfd8e22830994c27105de8fd85a193b8d3e5d540b7c0970f5b79415006c6af6d306a7b68d208eac9a15833bbaf86a94ce1288255ee0b34284b9c875b27b2cafc8025be129f81dfac05298dc0dfc2e56bcbf4726fa65274c539d1c38e3d0d14fb45e6b96d6e5bebb07b1f4c611eb705ba5cf48c99c662d9b6b3d4dd57c32d22f58feb4137c411c0acc551759ad9577ed7c572babe639130a1a4c9a8bf81a2d9205f34ff5df385c122cc8b7b4ec08977206f470e32b97eea94839e4ee680c74cb146be55505026dae8a58b90a9fbdc19059500d2861fb9611a7387232724b6d6b3ee6188a828848278d61a416a83fe22b8a4e3329bffc4346dc12318e0b9bf6bf993281b0c36d03f48cc2e63753d28235eaa60e8837b83ec83f7fad6095d3ccac6bf3130c3c8c36258796e723918abdf9b585f7749c33c710c607379fcd3233daa57fd691624de5e1525087cddd16c58a604fa3e24ed2eb2fd7b80013917af463fbed3d88078aee409d1faa2d40e483807b757d39737839d8979eddda9eaf18a23e7c1e095a0e44caa919d87465b8090b031e449de6b9143a564160f95a171cd426d1c58a5a86607acfeeb033acfb3cfe59e61f97e3d9ec2e5459c08309167ed8354fb6c3e181098a42d560b874d8e2b12eb40ff385dd2bf4e4e041250b534bb2c4c477619a52c30333007938c16720db8cebaea67f4965edc2d680d32631b');
INSERT INTO __SCHEMA__.subject_index (id, ref, disclosing_agency, requesting_agency, name_tag, name_dob_tag) VALUES (1, 'ISR-20261206-AH8PNAN6', 'northshire-council', 'northshire-police', 'eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e', '17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
SELECT pg_catalog.setval('__SCHEMA__.audit_events_id_seq', 6, true);
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
CREATE TRIGGER decision_checkpoints_append_only BEFORE DELETE OR UPDATE ON __SCHEMA__.decision_checkpoints FOR EACH ROW EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
CREATE TRIGGER decision_checkpoints_no_truncate BEFORE TRUNCATE ON __SCHEMA__.decision_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
CREATE TRIGGER decision_records_append_only BEFORE DELETE OR UPDATE ON __SCHEMA__.decision_records FOR EACH ROW EXECUTE FUNCTION __SCHEMA__.infoshare_records_disposal();
CREATE TRIGGER decision_records_no_truncate BEFORE TRUNCATE ON __SCHEMA__.decision_records FOR EACH STATEMENT EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
ALTER TABLE ONLY __SCHEMA__.agency_intakes
    ADD CONSTRAINT agency_intakes_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES __SCHEMA__.agencies(id);
ALTER TABLE ONLY __SCHEMA__.agency_keys
    ADD CONSTRAINT agency_keys_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES __SCHEMA__.agencies(id);
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
