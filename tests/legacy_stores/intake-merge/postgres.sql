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
    office_hours json NOT NULL
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
CREATE TABLE __SCHEMA__.request_steps (
    ref character varying(40) NOT NULL,
    step character varying(32) NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    actor_id character varying(64),
    updated_at timestamp with time zone NOT NULL,
    public json NOT NULL,
    sealed bytea
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
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-police', 'Northshire Police', 'POLICE', '["Inspector","Chief Inspector","Superintendent","Chief Superintendent"]', 'dpo@police.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-council', 'Northshire County Council', 'COUNCIL', '["Senior Manager","Head of Service","Director"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-hospitals', 'Northshire Hospitals NHS Trust', 'HEALTH', '["Caldicott Guardian"]', 'dpo@hospitals.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-academy', 'Northshire Academy', 'SCHOOL', '["Headteacher","Designated Safeguarding Lead"]', 'dpo@academy.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-homes', 'Northshire Homes', 'HOUSING', '["Head of Housing","Tenancy Services Manager"]', 'dpo@homes.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-yjs', 'Northshire Youth Justice Service', 'YOUTH_JUSTICE', '["Service Manager"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-mash', 'Northshire Multi-Agency Safeguarding Hub', 'SAFEGUARDING_HUB', '["MASH Manager"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('bf1bf2e4f9d3bcb9c6783fccdc5d4262', 'northshire-police', 'x25519', '\x40988faf9f0edc3ec55c0e98cfc9dacc001d93471330e5d8af321d9fea8f861a', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('36b5119c30bcb947dd5731ba3cbf388e', 'northshire-police', 'ed25519', '\x59b52ca13eef15ea8932c07fedba7ef76f819ff9040ee6355236351561e2852d', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('00101beb6e927f6d0daaa53a96a131d7', 'northshire-council', 'x25519', '\x7040b9c71d2039a119e37ee0ed67ee3962ee3c2d79c278113279fe1cc4450d2a', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('07b38bc9fd114f17951143f8a1256664', 'northshire-council', 'ed25519', '\xd75ddae61c1e242863e15a1b18e6a7d30d4a83c07fb2b7954d44b5b5fbcf7f2a', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('5285233f20d067c8ac3ec60f9fd30e9a', 'northshire-hospitals', 'x25519', '\x6a89a5f6178d53be920afb24cdcf57671e0bbd42657375b8847d2dc4b0a9a20c', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('97a5f74278a54e881b0c6b842f626d35', 'northshire-hospitals', 'ed25519', '\x9fda6e663ac27a23b646170e0fc5ed746c2e319ea2b73552d59cc5eb3aa3d728', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('58e80dffb114eb2f60d3ba1beefb42ef', 'northshire-academy', 'x25519', '\x6a628635b2979481e3bda305ad1fc42c4d0084e35bf23dbe17a4966bc31b4c5f', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('cb5063736b79e74e08c08b1ceb0205ec', 'northshire-academy', 'ed25519', '\x21175b6367955b9a5657c6c4b29ffdc4f34a7f1b74b54ff838efe14b0d6244d9', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('9f13fb7f9f79f3db17424f5f8d94cb66', 'northshire-homes', 'x25519', '\x560cfb15dbab8449d35ab7a69b87d0c198d9033ba77685d254ec757f37c3db0e', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('98706e3e7549491dc5f95b6bb6637cb3', 'northshire-homes', 'ed25519', '\x924774d4ebb57eacfe9e8f371e242e7015a65907e1907504b51f7cd91cfb6cc0', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('60e9e5b70142ada29d076993613062b2', 'northshire-yjs', 'x25519', '\x1316f1a3aa6eaf28e70810ef1fe83870dc65e7881e6e4cdff8c3473f0728a82c', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('7ff83632cff3328aa58653ec6f0a50f9', 'northshire-yjs', 'ed25519', '\x7ed9f7d43ce6e0819ecb170eef71ed10e51e057d584a7110dee71fa63ed3db2e', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('0303ef08c6498d2f87b9562e5046f007', 'northshire-mash', 'x25519', '\xd9cdbe50e6d88a1a7055be295752885a10ac5a7fa85c5598402644368d321604', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('4c60c8c2b3a0abc644e9c3824501d808', 'northshire-mash', 'ed25519', '\x65ea6114a0c66671cbfabdd58c2457a318c48a5143f59edd9ad8a5d49a1ddbb1', '2026-12-06 17:11:28.449362+00', '2028-12-05 17:16:28.449362+00');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (1, '2026-12-06 17:17:07.844671+00', 'ISR-20261206-PCM8J4PJ', 'intake', 'pc-ahmed', 'request received', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (2, '2026-12-06 17:17:07.861959+00', 'ISR-20261206-PCM8J4PJ', 'intake', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (3, '2026-12-06 17:17:08.522048+00', 'ISR-20261206-PCM8J4PJ', 'triage', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (4, '2026-12-06 17:17:08.580493+00', 'ISR-20261206-PCM8J4PJ', 'record', NULL, 'decision recorded: REFUSE', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (5, '2026-12-06 17:17:08.601128+00', 'ISR-20261206-PCM8J4PJ', 'outcome-notice', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (6, '2026-12-06 17:17:08.648653+00', 'ISR-20261206-PCM8J4PJ', NULL, 'pc-ahmed', 'notified', 'outcome via outbox');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (7, '2026-12-06 17:17:08.683117+00', 'ISR-20261206-PCM8J4PJ', 'decision-artifact', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.decision_chains (agency, seq, head_sha256, updated_at) VALUES ('northshire-council', 1, '0d058174070a5b1d2496e73a4fc4623d13cd51f56f87fd3ac88d7736b0058ed2', '2026-12-06 17:17:08.580483+00');
INSERT INTO __SCHEMA__.decision_records (id, ref, recorded_at, decision, requesting_agency, disclosing_agency, urgency, due_at, decided_at, envelope_id, envelope_sha256, chain_seq, prev_sha256, record_sha256, public, personal_commitments, sealed_personal, disposed_at) VALUES (1, 'ISR-20261206-PCM8J4PJ', '2026-12-06 17:17:08.559548+00', 'REFUSE', 'northshire-police', 'northshire-council', 'AMBER', '2026-12-09 17:00:00+00', '2026-12-06 17:17:08.559548+00', NULL, NULL, 1, '0000000000000000000000000000000000000000000000000000000000000000', '0d058174070a5b1d2496e73a4fc4623d13cd51f56f87fd3ac88d7736b0058ed2', '{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:17:08.559548+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:17:07.843551+00:00","reference":"ISR-20261206-PCM8J4PJ","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-04","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '{"consent_reason":"18c690ffe4867285f463b3e752ed4fa888f810059fa330c8193e6e9a8c308549","consequence_if_not_shared":"cce4ed2459637cf225e14d46ba7ce7ff5f101e3fb1dfe4ef54b9123625b3db41","naming_offence_would_prejudice":"337ede3a1a7a2fe0b38877e2c2673ab282eb70bdfc95db0d3be73ea383fc727e","necessity":"3867eb1b34127955f95579facfe7ecaebf7fa36d0e02bb2720ab51ec0e920880","offence_or_risk":"3036753cde215d464353a1d013703724779e05f87f8ac1d6b7a0c6644d36a8d2","subjects":"59d9609f162e8486dc5452ecdb19224ac302a5f7ad1039c9c6515b7125b5b69a","third_parties":"b5b9ca6df69b908fb40f1dba2a847f060861464cde125ac49260d9f56751a869"}', '\x190c645fbfb82bcaa020f83ac897c3a225339fa47d3b896808cbc03831f1a939616c4f9f4f0b78d81ab81bddce993330db0f5caeba26c7dc78c3b62fa7cbeeaa63ecc8801bdc4c077bc9e7baa9687f8237d6e28ff9b21fedf6133bc6289dc2f148b4d728c497d708d0abb08a8a9258b16b91543e9695dfa65a9f3c67b97fada31c0f796113807bc96ca0db2ed063f9ebb62e31fff628998df126cfa2dd33694ad2681a02faf62aa154bd6c74dd7c907a0f976a62bc5be4d53a98218641b7130baba7e03aaa1bb6576cbff46955d8573f20d26df1f45b2f058b10561733126827af7cc27f3d7f2df515cc7b80d2192145a7c73bf2e87cbfd791a4ee87d159287e918a1f1660fe001d573b0211b58a9111c3c16f5e0f8e892a473f3b3add7446d0577c77f3709fc5f6fa7246b27bb86233a1fd0084d96e5c39ba8427b30fbc6f490ee398728524dd132734f488f74d90c2862629df94b079a806942eb085538e2cb9959f2f8fcf0f575d6af1921d5f16b02f224c218bf773bcde78f80eab26e3e15f4734f22b8db9e6bbcc9395273e36ca6710c79991ada028aefbb392546f1170d306648cbcbc255469d9fd9b9d61882bfec6c2ecaf1db20ce37d29f5179b99147d6720796d03a2a1d09c52f4f34aa7ca46614878050f3e0cd7c65ab396a40997e8a48feccd8db15b5069812aad18f6be68b610df73c1947e4df45b66214600e782a9f144ae98e4b5c028feafcbea74939a0170c0668214e2f1ed3cdc3224df5c1aa55318a6c33f3a0aaa848599048b13921191ee179fd08031576e4959ce52e9edf34747f3f54b2b5a8650967f04cdf099e1057567abfb339f6048792ab7e305507fc73b538181a6506c0d7a1359a8feb54a948a1501a26471dd3543b42f6967c068b468595b6503ced221987adbb038b10dd9ffb4c65f8d5b70cf40b32b0bbb66188117e872d2d651f32909e4b0784e31af67b5212b55d4606717547176078666b97764e4848dd982410c42b779a51569f7cb36b22095914a92bcbe2a6b074c8901999812293ab8264d3ec241700f546256bb136c57507311c1399fca96abc0bb363c9ef41112cc2b451c58ea62870a86c14467fc3dd8b67c3c6a825cdcd4996620d67d2ef95831cbd686d410306d215c8438cb2895b710ed976c37725e580e8f416524ef7b30c2c49fac28d6585152401a', NULL);
INSERT INTO __SCHEMA__.isas (reference, title, parties, valid_from, valid_to) VALUES ('NCSP-ISA-2026-01', 'Northshire Community Safety Partnership information sharing agreement', '["northshire-academy","northshire-council","northshire-homes","northshire-hospitals","northshire-mash","northshire-police","northshire-yjs"]', '2026-01-01 00:00:00+00', '2031-01-01 00:00:00+00');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('pc-ahmed', 'northshire-police', 'PC Sam Ahmed', 'Constable', 'sam.ahmed@police.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('ds-okafor', 'northshire-police', 'DS Chi Okafor', 'Sergeant', 'chi.okafor@police.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('insp-hughes', 'northshire-police', 'Insp. Rhian Hughes', 'Inspector', 'rhian.hughes@police.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('ci-patel', 'northshire-police', 'Ch. Insp. Dev Patel', 'Chief Inspector', 'dev.patel@police.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('council-officer', 'northshire-council', 'Alex Morgan', 'Information Governance Officer', 'alex.morgan@council.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('council-senior', 'northshire-council', 'Jo Whitfield', 'Senior Manager', 'jo.whitfield@council.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('nurse-lee', 'northshire-hospitals', 'Kim Lee', 'Safeguarding Nurse', 'kim.lee@hospitals.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('caldicott-rao', 'northshire-hospitals', 'Dr Priya Rao', 'Caldicott Guardian', 'priya.rao@hospitals.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('school-dsl', 'northshire-academy', 'Mark Evans', 'Designated Safeguarding Lead', 'mark.evans@academy.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('school-office', 'northshire-academy', 'Ruth Clarke', 'Data Manager', 'ruth.clarke@academy.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('school-head', 'northshire-academy', 'Helen Price', 'Headteacher', 'helen.price@academy.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('housing-officer', 'northshire-homes', 'Tom Baker', 'Housing Officer', 'tom.baker@homes.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('housing-manager', 'northshire-homes', 'Nia Jones', 'Tenancy Services Manager', 'nia.jones@homes.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('yjs-worker', 'northshire-yjs', 'Ben Carter', 'YJS Case Manager', 'ben.carter@yjs.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('yjs-manager', 'northshire-yjs', 'Ola Adeyemi', 'Service Manager', 'ola.adeyemi@yjs.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('mash-social-worker', 'northshire-mash', 'Sara Novak', 'MASH Social Worker', 'sara.novak@mash.northshire.example');
INSERT INTO __SCHEMA__.people (id, agency_id, name, role, email) VALUES ('mash-manager', 'northshire-mash', 'Liam Byrne', 'MASH Manager', 'liam.byrne@mash.northshire.example');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-PCM8J4PJ', 'intake', 'DONE', 0, NULL, '2026-12-06 17:17:07.861875+00', '{"prefect_parameters_redacted":true}', '\x89b06b5d26f1966955a4dca72aaeb7862f592e6d780406fb9aa88ad4a502');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-PCM8J4PJ', 'triage', 'DONE', 0, NULL, '2026-12-06 17:17:08.52196+00', '{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}', '\xe5e513ab46e1f7095ee361f8af4276c302a6cb76d43b540d85609f918e70');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-PCM8J4PJ', 'outcome-notice', 'DONE', 0, NULL, '2026-12-06 17:17:08.60108+00', '{}', '\xbe0d342714f963ef25d9489d10d05596fba6958f5472758a1fa84db494a0');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-PCM8J4PJ', 'decision-artifact', 'DONE', 0, NULL, '2026-12-06 17:17:08.683037+00', '{}', '\x29ad19eb361ce5cfe1a4db785400e429abaf6191cd73626968cca26e1d19');
INSERT INTO __SCHEMA__.requests (ref, flow_run_id, received_at, requesting_agency, disclosing_agency, requester_id, urgency, due_at, status, public, wrapped_key, sealed_request) VALUES ('ISR-20261206-PCM8J4PJ', '2508288b-6c9c-40cd-86f4-1a77d1369af4', '2026-12-06 17:17:07.843551+00', 'northshire-police', 'northshire-council', 'pc-ahmed', 'AMBER', '2026-12-09 17:00:00+00', 'DECIDED', '{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '\x4ee5f2f81033c3da451530504198053ab8fb392b8793b16859433a4fcb84909934542389301a10ecdf4c0c9c581a7f06143c8b592ea643e0d532f999', '\xda9e107f40830235709e0d543707bc95ea531aa9cc743b13b0738bdec64aa0d1f302a7ccfec4344143350cdea61f9d8a0532ed0414032892703aed1a00e8a98509a69f9abc15cd42ec9014871d6f99d34ce198334eca0b5d5306b051a7d247d66db0c579c3a98c3cbaff30beafc972d768b6909be885cce25f38343d96aca0b63a90e2a4c7470bcebc4ab0be5ce15af3841e7ad32f1c6054801e8e1b481679fce4f732f7e92b8b8cc82643f312d1f8fbf4826deef1a7a2e4a0a409708cbc78c5805ac72e0321e120638348acaa363b6df1739e5c9c7a54375306002e94e61d265d79a89a737242612c49e1e9d9e02f7ca6058577444d78fe3307502159cbe666f28ae70b65d8087040614deb5bd43da9c96fc3f80cfb4a01fc608a0b1ee9a51066bc4e611d1318705954cbb5455931d39c5f7dd738998b68f0359df179ec31772e259e1028f89697dc5dc4cad033077a37970297f5392c6b1176839301b50c60292e740ad80896190a1fc1190442a721b060c904d3d1c47566eefe6376405211c219fbce7974634ec5eac9f91c09b55906fbb3dde9bf4d7a1f14d83427bdbc07f176abc0b6e6fdf3a5020c265b2af8120f5443c8b28afa185ce6ef10a154a3593e18bf0e70c2e438d0e75d31af81ee28bcf9e41423e1978d9db372afc8e3bd0b2ce2b480364388a044fc89cb8783124b9276882833c88776682ff55bd143fbedb8f7a315472f2849352e72f60ad081066ea3387a356323a6c79410f272dbca3630a9ec7961f4b25c7bd313fb1b246433d43e2f4271883b5bce3ec66a18a65b7fa54d9e77a39436848dd4f96e8f785db15e72cf7aa2dd6c940e1b963eec3575a33356e4529f695ab25cf57a16c3decf023cec3b33df50b04fa9d7fdad50a7b075a0c4c39ab5ea28555fe8d92535517fa56727b243772bca3d69b5eefe3b763378168c803fab69899e4222dc67decd7e3a0dd3cd1dd2049059b27e98dd943e15cc16a2ed4b5faf709627e9d84e409735792370454e52d7906df682cde913bae1af9753e978ec0b22396a98a859159ee9cd3d57e0f44f5a85fa07c0a621b8ad8978c1b3f6a2058dd79d7f9108cacae6a9d342ea432f1a68116ad8780255861126c4a55200f8ee764b46802b7940b783f853d55d2626410ee27b59d79f6aa3d1d654baeb8ef07a21ce7af1dfc609d54ac2812e6d25ef250277fba785deead4edd9f652eb70872601cbe31876b03140626c1cb60bd493dd4be6791c6c10211c663dd87e0003fcd26e39e8e2a59b27cd109a0166');
INSERT INTO __SCHEMA__.subject_index (id, ref, disclosing_agency, requesting_agency, name_tag, name_dob_tag) VALUES (1, 'ISR-20261206-PCM8J4PJ', 'northshire-council', 'northshire-police', 'eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e', '17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
SELECT pg_catalog.setval('__SCHEMA__.audit_events_id_seq', 7, true);
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
ALTER TABLE ONLY __SCHEMA__.request_steps
    ADD CONSTRAINT request_steps_ref_fkey FOREIGN KEY (ref) REFERENCES __SCHEMA__.requests(ref);
ALTER TABLE ONLY __SCHEMA__.subject_index
    ADD CONSTRAINT subject_index_ref_fkey FOREIGN KEY (ref) REFERENCES __SCHEMA__.requests(ref);
