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
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('5241d4d5664cc2d0a795f53f9424c649', 'northshire-police', 'x25519', '\x6016c98871113b7b885d758071a077c6b0565b91200195c069a228494a76d713', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('5ff0baace19f666ae60a875f50f9e680', 'northshire-police', 'ed25519', '\x0335da7e732891f52de740af2a5e2cafdab8504ef183ef7d32f9c5affcc3398c', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('3185fafa6ca94d081cd3bb10d5fb36bf', 'northshire-council', 'x25519', '\x537ac6899fbb45b44fd7e945100f2fc94b7a46994662a395d3e6a9b1993e6645', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('94013d4a0fc5af7bc94fa6982a0f127f', 'northshire-council', 'ed25519', '\xbc050078d8756e61d1a92414f91de0de80dd1f8cbad7f712f8a9757a7920a83f', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('c5f7da3e4f98c0ec547e7e5e88a0574a', 'northshire-hospitals', 'x25519', '\x82e0c6ff5b090fa3db43de250561d8d1d38c14cd109cf1cdaedd1094449cd676', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('7cbe1b5dc6f03f66443544a9888ac1d3', 'northshire-hospitals', 'ed25519', '\xf3d87594c4c4f20e9c9b91b84ca5cd9cfe646e1496e7d0f2cb3dfd1d8171a102', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('537f2b807bf88d2801345a884c1ca450', 'northshire-academy', 'x25519', '\x1b886ba783163a4e3f594b30e1c6cf9aa3bf714184d72ffc901391512030af15', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('57f65ba9342d8a58e02da4c81a4e6140', 'northshire-academy', 'ed25519', '\xa316d9df16c371248f4a595c7afa2a7da48cb3406188e86467b9683e08f3fb03', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('5fde696aeb4c1f0776bc34375dbd8b8d', 'northshire-homes', 'x25519', '\xeaf606aef8b4771123e37896dbb39221518ab2298662466da819b040eb8cb723', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('1e52b279688700514c08e1505d00e10c', 'northshire-homes', 'ed25519', '\x9c4732d12c87160692576164e54821e198c9e6aa7b991b78169f68540e500323', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('428cb650364cea3b5e45e0efd9024934', 'northshire-yjs', 'x25519', '\x4ab6117c6dd83909ba5c47840da5417932db926f68321597d0a784c724b8ce62', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('d5cde54e2e4e68f7ec88e66dc948ac69', 'northshire-yjs', 'ed25519', '\x4f7e1fdd808efdb93bc9e5591dced9cd91ec37a05e7196881e87255bb2a52b90', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('e93a3f9e73f57310a117ac62025bfb3c', 'northshire-mash', 'x25519', '\xfaa4c564dc8846be63c1eaf08bc032411819279c93f65397deb363ffa9826e1c', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('fa32d5fbe20d9d8988b3f17d47074ce1', 'northshire-mash', 'ed25519', '\x6cd91c0939736c7e524851a46a1bbfb8febb00e42ceeb0b4bc7e6ccc779dca1e', '2026-12-06 17:07:38.95662+00', '2028-12-05 17:12:38.95662+00');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (1, '2026-12-06 17:13:44.106573+00', 'ISR-20261206-3XT92TGE', 'intake', 'pc-ahmed', 'request received', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (2, '2026-12-06 17:13:44.182663+00', 'ISR-20261206-3XT92TGE', 'intake', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (3, '2026-12-06 17:13:45.621239+00', 'ISR-20261206-3XT92TGE', 'triage', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (4, '2026-12-06 17:13:45.788777+00', 'ISR-20261206-3XT92TGE', 'record', NULL, 'decision recorded: REFUSE', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (5, '2026-12-06 17:13:45.847588+00', 'ISR-20261206-3XT92TGE', 'outcome-notice', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (6, '2026-12-06 17:13:45.981629+00', 'ISR-20261206-3XT92TGE', NULL, 'pc-ahmed', 'notified', 'outcome via outbox');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (7, '2026-12-06 17:13:46.140822+00', 'ISR-20261206-3XT92TGE', 'decision-artifact', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.decision_chains (agency, seq, head_sha256, updated_at) VALUES ('northshire-council', 1, 'd1152429c27ad9b6a20a658d88f70319df11595aee0715d0f31519c6d561ef28', '2026-12-06 17:13:45.788765+00');
INSERT INTO __SCHEMA__.decision_records (id, ref, recorded_at, decision, requesting_agency, disclosing_agency, urgency, due_at, decided_at, envelope_id, envelope_sha256, chain_seq, prev_sha256, record_sha256, public, personal_commitments, sealed_personal, disposed_at) VALUES (1, 'ISR-20261206-3XT92TGE', '2026-12-06 17:13:45.761315+00', 'REFUSE', 'northshire-police', 'northshire-council', 'AMBER', '2026-12-09 17:00:00+00', '2026-12-06 17:13:45.761315+00', NULL, NULL, 1, '0000000000000000000000000000000000000000000000000000000000000000', 'd1152429c27ad9b6a20a658d88f70319df11595aee0715d0f31519c6d561ef28', '{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:13:45.761315+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:13:44.105725+00:00","reference":"ISR-20261206-3XT92TGE","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-04","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '{"consent_reason":"8d93082101ebc12ea8f34284763462b91afc7822c05ee71d00e04eed30f01dd3","consequence_if_not_shared":"e5246423844d1678211f1ae7be70805ca5ec5d15f8b46a5d170f3a64e0cfa0d9","naming_offence_would_prejudice":"90fd1f4b1a54a651499e0cb0f1e717acffef54eb844d7be0817991a99cb3eb8f","necessity":"fbefe7915f12b4f6b1559e3ba4055a0042872d957fae71f8aecf7efed2dccd15","offence_or_risk":"1e602c8f6c2a802d6f6115b17313a5491ff4a7c380cbccc36251b9b9a3bd1fb4","subjects":"ea5d2c75f6e6705e5f8317f05e89396b86bf5c30629d85da6a557bba0a66aa20","third_parties":"ebc29763749f1e234d983a2e7513a1f2fcd602656f66aec1c7cc3eca5e26eb53"}', '\x740a72eaacec7aae3f42d2af2d6f92bfe6642b61dcbf07d9dc51235a7be311ac649b3c00792a4e12e19eed9a9a6a1e5c86aa762d6af23e3e3f54ede519f995c789e0f38be866c820b43a3a45965f5ac814daf03b1d859902e50efe05dfc435f6e3fbf87497e3ce86b1370e1feb8eabdc09dc4e97d208e1851065e1855a5fd654cbb5343df590b5f721e4037704f6fbe295565c752d9b9d74ee530d1024369d349d0b3a09dadbcb600885f4ac0452a617f77b3e02fff874e40d6997edc7eeec4d617ee4bd95e2454e03eed37e2881eef9d7490ad070440e76c3d3e178affba65cbc954c056f9110c685c01f09b00944a3ef7b76d0cd2dec452b9efb91f1b2f2dda0bc7a96e9084a166623ceab8173a5a521b6dbee89902e113775d6a6bf77d59998bf06535cb5a5b5b4d409be7966b8732fa2aa4f40e67f261162941f68ba2bee4e7e3d0cc81e7f2fa8a6c176e45e2d1515eb12c604ab8264d50572967fa83615b06567bb5d195e1f6d6827c7a0ab9be6a4a0ccbd66985f0bee56ccac8a2f3e12b3577170e2b51c0a0e0e595e37a63fc97e1a1c03e70daaa34c6fbb82c1a3505e27c407166a6339e058376009a11c1c4ba8fc2c45f38f72d51055c6ab7dc690279997f458f23b419fab06c60bc844bde069a5f757f92862b3bb7d51c88ba4d03adc2e16968e5303b24873b49452f02aa609c32d6ebdbad45316bb1c10548edb5edab606c111b0d93498a7982f348af81092897ea1b806adbb24f4d1fc09e0b4dc64ecc8d5957833bb654d7f8e5b625012158cfb25f2b81c8c3902b5c0ea5630146c69ea7e2ee13f85894d675dda0de1a01e955164b819ff4f267c98529b2339059098f3612a3be00f9c5bd3f9c5749e90401adf5198a9491c2f02383916d43ad1aca5f25d62b9d707b15104ee5f115563ba6796ad564c25e407d58d5251d07701036cf77679a1d6c21d6853304fb3d2c4e69a839c18364e684459ebc90943ea197acc898c4f3754f3b5bbaca8b3841c5d435d030db4598995278bd33a7bfc02a58bee6cff59b6ec24d2063eb291fe28485331f777ef6a4e25dd81a2d79dce68bbb81cb73694c6fad1900e1eba2660ec83a48c237b4b04618264f780341b55076151c14b7be2400b74d028476e436e4600d9df664ff218f9eae3c7049ac6a49274e6d7dbb4e967702993a80a5c1e2c047012f7', NULL);
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
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-3XT92TGE', 'intake', 'DONE', 0, NULL, '2026-12-06 17:13:44.182592+00', '{"prefect_parameters_redacted":true}', '\x33afa99404f48b23ce8a81c7c0e3eac2c048a5964860107052483c4ff9ca');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-3XT92TGE', 'triage', 'DONE', 0, NULL, '2026-12-06 17:13:45.621137+00', '{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}', '\xc6350d3897e0db6a23b29c37d71d5bc3195c9d3a7e3c2f7d77f1186ba851');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-3XT92TGE', 'outcome-notice', 'DONE', 0, NULL, '2026-12-06 17:13:45.847505+00', '{}', '\x13b3801237fbeb831eec9654016ba7776b5945c0cc1a5d19004be94be151');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-3XT92TGE', 'decision-artifact', 'DONE', 0, NULL, '2026-12-06 17:13:46.140721+00', '{}', '\x7cdb3c73ed60d6613ac042d6250fba1c4ff3cfce5e258b8027fa6f0425a3');
INSERT INTO __SCHEMA__.requests (ref, flow_run_id, received_at, requesting_agency, disclosing_agency, requester_id, urgency, due_at, status, public, wrapped_key, sealed_request) VALUES ('ISR-20261206-3XT92TGE', '5bf6f0c2-327f-4a71-9636-e8ac957c84c2', '2026-12-06 17:13:44.105725+00', 'northshire-police', 'northshire-council', 'pc-ahmed', 'AMBER', '2026-12-09 17:00:00+00', 'DECIDED', '{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '\x7d79dcade54e855aae317bdf5c96be5c1c6eda0d073d40c65a9d20671f9315d8b26f955e569b76dd7dd1ef82eca94aabe33a06e989157f769ed26e93', '\x5b29492c2a6b51185a7bfb1834706e5909a5506ecac0348edd3ff5f6a76538456a943a33aec12f294efeb00fee35538700289490f621178bef999388510386cd1a05864ab0583714315a440179372da9d5979b0fbb521fc4cab754b1f93237b1e2b4438e1970807ec1ec358618ae1e966fd2e7537b79acd59c5a68d0c8f70f9ecaea444e196697b5525b924190be2f070e1bbc42d6a43747f27c8f60d1914a6991196f8f2b6b7f30418559ed17bb243a52553c2fcfae062d630ddc86a40047f2c6d77e72c65d55849772d946a9f974817c9055c4124ffc513f98a8060dce55c0c1411a42d33b2d6335d134a8073b10abc6fc93bec64553c6b9d479f044723d5bdf11dc97a8c6056407e94e2a9afa7c387e4d027ed88051bbb7af6866a58300b664710f556d2c48b9f84f5e34a847089cb14725204cd200f755a12e01d8b9c07ef1710ffc1b5b3d1e623c1eb459b24e89581457ca561eb982736554087424f4ce33b6c5283479dbdb273607d5ab32a2c146c106468f97f8a45e9f9f8389ec5fcba453d831060d0558f3941d3f8e3a2da8745d053cbf4711f36343c0412920917abf45516b2ce3ede287398d5ad6815aeb7739de12456c193527c9617254830cddeab7d644f740f5ee1442cf490e4a8eb96311f3da36538a92031efdbb22b17a8820037fcc4bb087610f428ef449de1049117d6485413b919ae3143198550c91c74be04492c447399245fe193c9177c196f47f233032cee803284f83d84832107b63cd79ad6ad978728a329d8f24f00ce93d2daf60a8c7e7be546e6bab0ebc945056631100d53619003b7430c9e427dd1ed47d01b1825a9e90c2424e8a3696246c681cb904bc1bba0c3d234595d43fa42935df18cea2f746d823d060ee9309d063a2c3c70b1e8adbc54003da8ddd92edb2a39b827eab2ba661bc2c338759ac4a4a92b2551090bdfc9ce077251196713172d1b4df991ce72b1c4d64c0bd71453bdb5b079bc03d9e3e33df0a36c09341fd23299329c784d0c9df4f09eb2d19bdace480c32f5f7fb05823caf38f8bed062f6bff0fd8ecb762d889ddb9fa2b4fcf87a9569d0b711a0034e146c48701926056d75c7c3d9b15c6555adcb14879fedb8dbb2843415212ff948380ea53179148a86535a8603b84d0434bb066dba7e62b82c71b045a6cf05ad3ff1db00b1fe39882768fd8d0ddd61c73c414ac83a969a11dddb52970c14acc2fd0140a35d12367a11dfaf4184dd02e59f67e7da5127521b4923b54e752bd942b3786b08ed19e7077f2fb');
INSERT INTO __SCHEMA__.subject_index (id, ref, disclosing_agency, requesting_agency, name_tag, name_dob_tag) VALUES (1, 'ISR-20261206-3XT92TGE', 'northshire-council', 'northshire-police', 'eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e', '17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
SELECT pg_catalog.setval('__SCHEMA__.audit_events_id_seq', 7, true);
SELECT pg_catalog.setval('__SCHEMA__.decision_checkpoints_id_seq', 1, false);
SELECT pg_catalog.setval('__SCHEMA__.decision_records_id_seq', 1, true);
SELECT pg_catalog.setval('__SCHEMA__.one_time_codes_id_seq', 1, false);
SELECT pg_catalog.setval('__SCHEMA__.subject_index_id_seq', 1, true);
ALTER TABLE ONLY __SCHEMA__.agencies
    ADD CONSTRAINT agencies_pkey PRIMARY KEY (id);
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
