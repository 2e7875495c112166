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
    on_call json
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
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call) VALUES ('northshire-police', 'Northshire Police', 'POLICE', '["Inspector","Chief Inspector","Superintendent","Chief Superintendent"]', 'dpo@police.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', 'ci-patel', '["ci-patel"]');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call) VALUES ('northshire-council', 'Northshire County Council', 'COUNCIL', '["Senior Manager","Head of Service","Director"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call) VALUES ('northshire-hospitals', 'Northshire Hospitals NHS Trust', 'HEALTH', '["Caldicott Guardian"]', 'dpo@hospitals.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call) VALUES ('northshire-academy', 'Northshire Academy', 'SCHOOL', '["Headteacher","Designated Safeguarding Lead"]', 'dpo@academy.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', 'school-dsl', '["school-dsl"]');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call) VALUES ('northshire-homes', 'Northshire Homes', 'HOUSING', '["Head of Housing","Tenancy Services Manager"]', 'dpo@homes.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call) VALUES ('northshire-yjs', 'Northshire Youth Justice Service', 'YOUTH_JUSTICE', '["Service Manager"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours, deputy, on_call) VALUES ('northshire-mash', 'Northshire Multi-Agency Safeguarding Hub', 'SAFEGUARDING_HUB', '["MASH Manager"]', 'dpo@council.northshire.example', '{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}', NULL, '[]');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('6ec88baefcf1cbd4cbdc83558a32bccd', 'northshire-police', 'x25519', '\xa6616a7afe6e66011fa1ebb9616f2f200282776a133a15865bae5bae6a64f30f', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('1869c11d7ecd52f26a57148d0012d5ec', 'northshire-police', 'ed25519', '\x2ee7efc616f91ec745a7dc3c6dd71904c543df0543153cd05b99bf734f54b0a1', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('296745ac018c22776201317408a6f8fe', 'northshire-council', 'x25519', '\xb310f4b921be634d9f1c41060482b9b60bc69c513a1a0857efbf504fe8b98d43', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('7ac3fb0992a7ce5161241c4c4cdf3db7', 'northshire-council', 'ed25519', '\xe2c512f692f285d372e9a8f3117965db0fef461fd298c35d8d5c3289ac029aa9', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('cfd9d0aaca74d0deeec723a7f03cf0b5', 'northshire-hospitals', 'x25519', '\x340faea5665e5e205630c6a25a4786f67874a58e3c68def1ef4a09ce02f7b06e', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('7f4eceb6584422bb3b9453a84caf0cbb', 'northshire-hospitals', 'ed25519', '\x3248969ce7f0ee25f1f334b28462c44368130aaef1c76043048c20fd0c54e1be', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('ccf47e503eb6a9564c5640bcb12a29db', 'northshire-academy', 'x25519', '\xedadd1338cc7610c7da4958a638de74bd24c2138bf330b6f76e4397d57a95416', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('4dd82193206a34b5be82ef89bca12b61', 'northshire-academy', 'ed25519', '\x01e69f12154cd42fef82aacee7ba7ee958ea3b4ffc0a06e18467fb155d06701e', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('e6a1687227a20f9fd423ca517a75bb70', 'northshire-homes', 'x25519', '\x72a309d91e21134e495728693a040f6c597d6443d64948f58259b73c36fccc33', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('67625e2f112863c83e40ff57eae12081', 'northshire-homes', 'ed25519', '\xc0222d251166e2ea370a0fbeb0c83f0f99fae4515398116c847950f29712ac1e', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('e0b65bda0e7837af3e6a2db9fee00e21', 'northshire-yjs', 'x25519', '\x4b0fd01deb613d3920d60227c71929c6369895b42b6c59dcb58ddcec529c3804', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('16891cb4918e242550296a309abde7fc', 'northshire-yjs', 'ed25519', '\x50aa8eae5513587bbd981e4e2c2a9e16bf98856cbbe8369f403ce35d84908c26', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('94482b1421430b69f5cac935f3edf92d', 'northshire-mash', 'x25519', '\xb05e31c00f346c0c05660b7dc795ae148e2ab350480f4d3fe9462a859bebe747', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('bc04e95ef905967d2863fb7b34419dbb', 'northshire-mash', 'ed25519', '\x3d6bc232c05adcba8058650f174a45c025d613841dfffcf70dbb20c9963966ee', '2026-12-06 17:14:18.380895+00', '2028-12-05 17:19:18.380895+00');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (1, '2026-12-06 17:21:34.275842+00', 'ISR-20261206-2DRN3VCY', 'intake', 'pc-ahmed', 'request received', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (2, '2026-12-06 17:21:34.363168+00', 'ISR-20261206-2DRN3VCY', 'intake', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (3, '2026-12-06 17:21:35.601355+00', 'ISR-20261206-2DRN3VCY', 'triage', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (4, '2026-12-06 17:21:35.762089+00', 'ISR-20261206-2DRN3VCY', 'record', NULL, 'decision recorded: REFUSE', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (5, '2026-12-06 17:21:35.847036+00', 'ISR-20261206-2DRN3VCY', 'outcome-notice', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (6, '2026-12-06 17:21:35.983332+00', 'ISR-20261206-2DRN3VCY', NULL, 'pc-ahmed', 'notified', 'outcome via outbox');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (7, '2026-12-06 17:21:36.037831+00', 'ISR-20261206-2DRN3VCY', 'decision-artifact', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.decision_chains (agency, seq, head_sha256, updated_at) VALUES ('northshire-council', 1, '8664799edd2400524c3e342635b5868b2c42ebd12340b76777e25d99d3564a2b', '2026-12-06 17:21:35.762079+00');
INSERT INTO __SCHEMA__.decision_records (id, ref, recorded_at, decision, requesting_agency, disclosing_agency, urgency, due_at, decided_at, envelope_id, envelope_sha256, chain_seq, prev_sha256, record_sha256, public, personal_commitments, sealed_personal, disposed_at) VALUES (1, 'ISR-20261206-2DRN3VCY', '2026-12-06 17:21:35.741276+00', 'REFUSE', 'northshire-police', 'northshire-council', 'AMBER', '2026-12-09 17:00:00+00', '2026-12-06 17:21:35.741276+00', NULL, NULL, 1, '0000000000000000000000000000000000000000000000000000000000000000', '8664799edd2400524c3e342635b5868b2c42ebd12340b76777e25d99d3564a2b', '{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:21:35.741276+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:21:34.273674+00:00","reference":"ISR-20261206-2DRN3VCY","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-04","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '{"consent_reason":"d2db3839832447de3cdc8514b5ad7b5c4677c28c509505ca7f56bd847c313dce","consequence_if_not_shared":"5e14bff8af7fcc48992367d0e537005b329c92c1c9bd5697f94610679299e8ac","naming_offence_would_prejudice":"4c02e6dfd76f5c8399a2c4b89f6bca903c2514e11eb3e0befc9dc6262de2ccba","necessity":"de5d2d85731b875395d172e075944c6b601bd8b26f6cc8333de144ba3d40320e","offence_or_risk":"4d7dfead19b3733a5c2b3d36675058a5adc24af9c298c2e1e50a493662567212","subjects":"00ba859519e179f84980569b91ccc032c4abda4c44aa97d2a5cf713cd81f9dbf","third_parties":"d511180276e5b00a80357f09553fc7794515f052489e473582471bd69e475033"}', '\x9f06db75cabc541f067cf0c257afeabd9c5fb6c01c9cec30bc409421897b31f9d226a751f5f5092c81cc60f57388f343a45d4aa8b2bb2bc3e84b09733ee7d2ae1e05a7cef81936fb66a9e6c946841496688582a3d82263bcfb7dfcad2f6840011172837aa0362a4ffca2d92d942c039479b8db8c3967166a490774ebc060fdb80e37615019b7d18fc0976be7b26ed3889daada698175bba23654f7b795b2b0a13298d7f48a275b7b0cd541219e1fa2cfb41985f0adff328d1a23da623faaf2de93f6737974c812e1975467da558cfe2494149c8758f8920af2d1264092d2ba3e6f8237c8018e38149d1e5f028e357149732c69dc27c0b676c2cc5892f12ab6c0a1ed0cf2673da379d06ff75e03639b34c66c30af061414fd0dbbf45db0b514b4d3726ba27d9917d0892362e53a58ab6f5c2583e7b71786faa0fb31d0b20efd454c309832d796d0c93668e166037ca40959c5d844db33a8c935798464e4643489f7a24acb1ea695040fb1bf211c1bea0b549a0656fdb869c53349c687fc1344672148820ed3e83eb8564ac9a6f07e1255331551031bce762b1cb7054277cb8238f4fb01d35b382e55cfd7ef5105a93ff24063a25539a197d4676f6b8c90e33627bf1e3f07afe4edb25da955055412ddf1f41e2b6317839466c3b0afb52d92e9fbfacd29ad279f228bb7048365d8a7149f096aa9ec12cd03d5d2454c15dcb2e9fb997acb556e18a1e0878c151714942a846ac2b870e77dde3c1909dc2ffd1b37191bd56d56157d4a5fc8671e1194f425407341b6b5fd1786950f7862038899773caccfa6b664934d11513d89f29ddc20c59770ead811a138c101a6c6ac6489ab82b55443767b325d1d66a7219f47491d35e9cbb6fc5a2f95c4d70d0fb20fde14afb8562ddd064d791c2a3377139a3a09d1d3eea483ca063d64ba0ff44f9a62c9f8ee1e0db52edb0e3183cda007e3aae33d917f370025ec1eaf7e5b455239e0a73f0a5689dc9fedd8c23c7ce1df8be1535b46dde66f1d59bd3de3b5ceac8b2cfdbf8df7e69c5c269e22c26ce908419d10580ce1a6cda253445c8257802e5ba7a479004e6767d15c56b78a4ed4abea018cc94319b0047c08bbd1717b81f55c478f2dc6d4e424c2156e2be0615d7ef2b353a7f162a6202d847df5e568f03b79abf02385dfbb4e01f01197e511981ed75184dcd618', NULL);
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
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-2DRN3VCY', 'intake', 'DONE', 0, NULL, '2026-12-06 17:21:34.363074+00', '{"prefect_parameters_redacted":true}', '\xdb29d813af3883264240be3ebf869537dfd66ff42c714d81c541e0fd335a', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-2DRN3VCY', 'triage', 'DONE', 0, NULL, '2026-12-06 17:21:35.601248+00', '{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","emergency":false,"isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}', '\xc6fd8b554bd4f67e17680b5deecee58123289023b68833bc29febdcfdcb4', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-2DRN3VCY', 'outcome-notice', 'DONE', 0, NULL, '2026-12-06 17:21:35.846941+00', '{}', '\xfc8bec8d65ca2fd74eb2f3a094696209f71d97bd0659deee38bcd6ee991c', NULL, NULL);
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed, opened_at, due_at) VALUES ('ISR-20261206-2DRN3VCY', 'decision-artifact', 'DONE', 0, NULL, '2026-12-06 17:21:36.037736+00', '{}', '\x13c6ced14b47d4ba993b0019f4bf2057309e00e291eafe33d9b7b0c8e965', NULL, NULL);
INSERT INTO __SCHEMA__.requests (ref, flow_run_id, received_at, requesting_agency, disclosing_agency, requester_id, urgency, due_at, status, public, wrapped_key, sealed_request) VALUES ('ISR-20261206-2DRN3VCY', 'd59ca58c-18d6-4570-8ac4-306bcce013b9', '2026-12-06 17:21:34.273674+00', 'northshire-police', 'northshire-council', 'pc-ahmed', 'AMBER', '2026-12-09 17:00:00+00', 'DECIDED', '{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","risk_to_life":false,"sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}', '\x43e8a286f4de1fc1f02928d647c8400007fa9940d736f65949d6095e73013781b0c916727e9122da7241dd091ebec50386e42c063015aacbad2d1100', '\x0dfa5e14cb4365c3ca67fc058da32975edf51470aebb199a7ffe30e2aec92b819cf5301b4d198f3f6c00f4e609a55fa56d4f4b42641e8471fa8316d32d0a0ef27d0243d3abebedf25037d6a845414ebb98c4cea4f240123df0c10bf68583c51fb615e090da349bdaa7820d3d041fec118232203adee10d6da89d84f70389c544eb901ee34a936c746400d861b45f35e0a1cc30738ec3240b767a2970d8387529d931f6045bb3d0176372762bb467077efe20f0cc5a9334f43de650ac68b0512c9ccd259ffe0549b1d32514b05c9fd8d69b88b82b50acfb80fc88b2f02c82ea41ec8f6fcf82d9ca851ceaec9665bc495f089cf97038a706e8aa7da76ffb36672732de93358982bfd8d3cc8954f316b124e45e3fc336dcc293a364aef7dd10ef2917a3266d8b82ee1999ce2db2b3e8e218309340862a24e0f8abde8e21c874c2269e61e77894ed3a674a886e203876260ebd8772d0c5c806d0f9750eb7f4ee13321cf51bd3fa73b3fdbf2cc2879ba29def8f72f6be9076686bfb30560c474e969d256ab5a13e08b93f2054a1c9c1490cbd365486ad7ce54a5ceab999a849152a669f0e3718245d6b8cb93daa98bfbae689293db3ccee60b113a130d19cb8f00592ff533c6e4f4ed03836030d1a7a749a20683636f3127fd985e0dba06316ccd51f2413726cfcd22dff5a95716d4ccd2b32d6f2e482ee9bb2ed476b4e9dcd560d65e0224afbc59c7ca73a55914bbeaeddc2f62b924508f58b014f518e2ff6d8b4c1a938a02896055fccc60504cce434070d0b99a8cd368f5ec5369775c43368853893e6c60e15e15800d8a4bf43d03bf5a1fe0e5484015a41fef6dc948cfac7ecf9439631db6349f3537df28fe4c432fac4e642e9c8b7516554ddcaddc1b08dcf61533bc619a549da80c929a8ad9101cd506a98c72d4845ba181b5f797f7132794c653bb8c0f6c9dc4ccdef801f63b1c8a3f70e030422df4a4b29f34344ec3edc1fb3a4d892ba86182408c98deed90b8dccfb481b5783ecc52407ad968c4141fb331bf6fd1ebd7acebce71f27ea568e53c410a08573fa1617ef65c2c8f49472153b360f966c9802346d469e1cede6248f9eb91354ad5e8c6f4962d467cf377aeb3f16044978e24a6c4ca8c01e97a5286946febcd6403e91112b415f95e47d1b531950024eeb728221e063d21a327c9482dca210d602a946bfddef6727d036be31b2e09194777dada01c4f8a1927e85195e0914815d052955f1fcd4a0072135f371978b15eea7733d86e96207d61b3383f850490a753464b154d9f244dc216db1b453e03bf68c18d');
INSERT INTO __SCHEMA__.subject_index (id, ref, disclosing_agency, requesting_agency, name_tag, name_dob_tag) VALUES (1, 'ISR-20261206-2DRN3VCY', 'northshire-council', 'northshire-police', 'eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e', '17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
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
