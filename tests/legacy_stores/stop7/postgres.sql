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
    sealed_personal bytea
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
ALTER TABLE ONLY __SCHEMA__.audit_events ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.audit_events_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.decision_checkpoints ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.decision_checkpoints_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.decision_records ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.decision_records_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.one_time_codes ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.one_time_codes_id_seq'::regclass);
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-police', 'Northshire Police', 'POLICE', '["Inspector", "Chief Inspector", "Superintendent", "Chief Superintendent"]', 'dpo@police.northshire.example', '{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-council', 'Northshire County Council', 'COUNCIL', '["Senior Manager", "Head of Service", "Director"]', 'dpo@council.northshire.example', '{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-hospitals', 'Northshire Hospitals NHS Trust', 'HEALTH', '["Caldicott Guardian"]', 'dpo@hospitals.northshire.example', '{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-academy', 'Northshire Academy', 'SCHOOL', '["Headteacher", "Designated Safeguarding Lead"]', 'dpo@academy.northshire.example', '{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-homes', 'Northshire Homes', 'HOUSING', '["Head of Housing", "Tenancy Services Manager"]', 'dpo@homes.northshire.example', '{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-yjs', 'Northshire Youth Justice Service', 'YOUTH_JUSTICE', '["Service Manager"]', 'dpo@council.northshire.example', '{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO __SCHEMA__.agencies (id, name, kind, approver_roles, dpo_email, office_hours) VALUES ('northshire-mash', 'Northshire Multi-Agency Safeguarding Hub', 'SAFEGUARDING_HUB', '["MASH Manager"]', 'dpo@council.northshire.example', '{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('16293b1811bc31b1dc236790f8186145', 'northshire-police', 'x25519', '\x894448113b7856fa2476ec69f5ae2dd771aff5be1b8768c40ec8aa5d7f5f661d', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('5fe9e5b16142c3d2092754b621fe7671', 'northshire-police', 'ed25519', '\x85f50b9df06e249d6ee09ce0a699b3f3ab15e8b0767071e8efb6e14c3589d0c2', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('b210a6c5574cd19f0a0260826e5e7834', 'northshire-council', 'x25519', '\xba03b7b68eb6639a1e0b25839c5b0470aae54f1091e1e368c12ba60fd8660a59', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('952f4f0715ba6d78145840bf3b3f3074', 'northshire-council', 'ed25519', '\x3a7c81916aa2324354b9a84e864bfb608e4db8a74a557ef63d4edd2a72fdae03', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('897b24c6abae51bf529941a9a8913910', 'northshire-hospitals', 'x25519', '\x91f60903e33d4ed6c14446ca0ba01d7ca57d0ee220ef60016676d75bc40ac802', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('8c2b88f478c59f4169e84b2b3179f1d8', 'northshire-hospitals', 'ed25519', '\x1ffb577b752652eeb0253aaf5807e64bf91742a113bca0dc423c7f57da7c89aa', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('a426c3a8aff6f429a99fe277a45c6cac', 'northshire-academy', 'x25519', '\xd5efa011e9baa3e17f99416d6a1cfe82a8da9c47db4f1595a931b44e88a5c22e', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('4df8a987a2d452d0b11cb4f2be983655', 'northshire-academy', 'ed25519', '\x2277c4d1d1e9729f6c38bed26577771a51f5d690cf955871a0a5c4a1b0ed2718', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('269667bf3d4eb1c9c08af7ab888fa333', 'northshire-homes', 'x25519', '\x35938b7e6d2f5fb0cb137eb0832a21273f6d4f629f8e0b4f494314133827e444', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('c6d9b26cf7ce9a9604c9da15f6660aff', 'northshire-homes', 'ed25519', '\x2c68eececd33745cd48f9594585389c072e3ca1fb1f61aebe55d87015e463808', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('534fb4e371bd89abc2d0f56fa9ff1bb8', 'northshire-yjs', 'x25519', '\xa80b8f705c198e7a623635d47bc6a9eadf396f1a713105459e9e20ba7d717616', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('55fc4f0eb818f63071b7a380c2d8d350', 'northshire-yjs', 'ed25519', '\x3649b0c855fbbea23618c4217bdfe5b1cfb953bdd1cb166bfcd6804ca3947c8f', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('dfc9d72c1488169b423307c78f57d45c', 'northshire-mash', 'x25519', '\x53c3bfbd5a3578fe6aeec6b397957611654cdf08168a37edf996e620a28d7738', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.agency_keys (key_id, agency_id, kind, public_raw, not_before, not_after) VALUES ('388867a1109579726bfcccba059559d1', 'northshire-mash', 'ed25519', '\x06a3b7d29b530da778627c546f84942955b0daba4ec74cf24c7897638f0930ca', '2026-12-06 17:03:54.57594+00', '2028-12-05 17:08:54.57594+00');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (1, '2026-12-06 17:10:27.262963+00', 'ISR-20261206-YB7WTKEE', 'intake', 'pc-ahmed', 'request received', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (2, '2026-12-06 17:10:27.331733+00', 'ISR-20261206-YB7WTKEE', 'intake', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (3, '2026-12-06 17:10:28.405919+00', 'ISR-20261206-YB7WTKEE', 'triage', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (4, '2026-12-06 17:10:28.517178+00', 'ISR-20261206-YB7WTKEE', 'record', NULL, 'decision recorded: REFUSE', '');
INSERT INTO __SCHEMA__.audit_events (id, at, ref, step, actor_id, event, detail) VALUES (5, '2026-12-06 17:10:28.576744+00', 'ISR-20261206-YB7WTKEE', 'outcome-notice', NULL, 'step completed', '');
INSERT INTO __SCHEMA__.decision_chains (agency, seq, head_sha256, updated_at) VALUES ('northshire-council', 1, '8a0c4f05d3fe5376b80eb9ab771dbe6a57db1dee7bf2f27b3a3035cfb5bfae7b', '2026-12-06 17:10:28.517167+00');
INSERT INTO __SCHEMA__.decision_records (id, ref, recorded_at, decision, requesting_agency, disclosing_agency, urgency, due_at, decided_at, envelope_id, envelope_sha256, chain_seq, prev_sha256, record_sha256, public, personal_commitments, sealed_personal) VALUES (1, 'ISR-20261206-YB7WTKEE', '2026-12-06 17:10:28.502373+00', 'REFUSE', 'northshire-police', 'northshire-council', 'AMBER', '2026-12-09 17:00:00+00', '2026-12-06 17:10:28.502373+00', NULL, NULL, 1, '0000000000000000000000000000000000000000000000000000000000000000', '8a0c4f05d3fe5376b80eb9ab771dbe6a57db1dee7bf2f27b3a3035cfb5bfae7b', '{"reference": "ISR-20261206-YB7WTKEE", "received_at": "2026-12-06T17:10:27.262032+00:00", "requesting_agency": "northshire-police", "disclosing_agency": "northshire-council", "requester": {"id": "pc-ahmed", "name": "PC Sam Ahmed", "role": "Constable", "agency": "northshire-police", "identity": "registered requester id given on the request form"}, "countersigned_by": null, "items": [{"id": "item-1", "description": "All information held on the tenant", "shared": false}], "subject_count": 1, "third_party_count": 0, "special_category_data": false, "criminal_offence_data": false, "purpose": "PREVENT_DETECT_CRIME", "regime": "UK_GDPR", "lawful_basis": "PUBLIC_TASK", "sensitive_condition": "NONE", "gateway": "DPA_SCH2_P1_PARA2", "isa_reference": "NCSP-ISA-2026-01", "dpia_considered": false, "consent": "NOT_SOUGHT_PREJUDICE", "override": null, "urgency": "AMBER", "due_at": "2026-12-09T17:00:00+00:00", "decided_at": "2026-12-06T17:10:28.502373+00:00", "on_time": true, "decision": "REFUSE", "reasons": ["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.", "item-1 states no reason why it is necessary.", "Schedule 2 requests need a countersignature by an officer of Inspector rank or above."], "approvers": [], "shared": null, "review_date": "2027-12-06", "retain_record_until": "2032-12-04"}', '{"subjects": "5d9fdad6ed7f47114987248436349c5a26197996c4e5617480814306296ad5ec", "third_parties": "6453c02dadb3079fdc49241419bd16984590d3f56ca56a6d2b53f3a9583803dd", "offence_or_risk": "441f93e0b16ac1be0e86303d8791d784cac9808af33a2f8995fa79f1453aea0f", "naming_offence_would_prejudice": "8789972373624032b579da7b4bb348e8f21526c9b1cef1dcfc42047494ce21ed", "necessity": "9b13f4704a50e8ec808a980da1c24e1610b2a57926193de07a23f7846894d7ff", "consequence_if_not_shared": "d73fe56a292e91988fd0ca0f2b5be23b813793af8e6a4544c2db99e12e3e8c3f", "consent_reason": "af57ce13e4242b51a75523dcd8f2e4f8f20230c8d486ed8c665de202ac5fc797"}', '\xec343c193efa1a07eaffe2ca9d60b8cd7f6a5f45b265ffc4e8cd49ff8bafea7908b171734e98579453cef2a316598d04c306dd999cacda2b158b7b3fea0bfe6f48feacbaffc0d11e87e55faf59781a6e382b3f92eb0a60bf419d103efdff2ade61d3e3df997ef2df85693f674438137f258f3019ca92c59e2a481a473657f30878b3d094f20e7fb982322b351d7910a3ace4af9e67921252a3288bc53542668476e4c42f1adaa950a53ea3fe92d8d12b5f8b52924a54ca74f307aa7bfa556bee4d07f170444c262fa7da80c2fa3e14dfd1f43fdda436098a64ad6581cdfbafc87506f3260a7698909f7d49734b0c27829208d2de22a6b7f106f8e4fa205b8241346cce08b7fb380ffb031c8621f3b393e55b5f108a6331d93d4fe228bd19a8761c8a9a9e37df4f587b5003cdbdc522be28bd165c4f7475dc88e8acac325d2484be6ecf8b63c652f2e4209728a853fb4f755fb7244cf40c8e90da26df368a01d8f6ad916207f0cba970c0c05f2dbb33d4f3f307338f1a34781aaa43847887c7944769c1f63205678ca2499c1fc1b5505ea7c6bc1f8dc926fd8807b56455da6323174b5f481d491abf4be1023b778838b5d3e19cb1cc9f45691d83c6adaa907679fbc7975a4986759a3ddfb96965aa90db179077e3201ea81a69110c82ee42a51fab27e6c642f8441526cb9017401e1281181242b9d6dd87cbd2823459386a4ed36d082dae328c7bedb60b048e43a4f6c2d420d32ee3efa9be3d80cf02b9828c294fe7b99bb9a5c8bce953b40626fdc7faa582852e674f876a299607b02a1bf0d60838832ffd25416e6f26e308597e3f4919d9c10ed32cb6e9397aa7d605ecdd358e7035c61b7529a734db76990f798d49009698100bbb2e63ca4390fd2cace346f8b5bd61a64ebfac2b7984eb6af05c7a2e37edd11cda8e784c1152661b400ae944588ccc1a39054962e38c49af49d773bf2434abd40f13d7c63fefc08cb2dbf2f79e9a38103dbb62dd66e90454b06def094adc4cf6e6b0e1b39395e7992f74f290d430a593db89e34193e75bf6305096f1774fe3d6771de66a6868f4b3c931838f38d7e45cac6e0f5dc7fefc18e6b83907ddaec1d8bd22c183fa5700be5076f678d629009af30eb502130e5fd9054316f9cb9aaa4773981863d4c89da419307505d9e7e534310adc3897a66f6295e42094dc');
INSERT INTO __SCHEMA__.isas (reference, title, parties, valid_from, valid_to) VALUES ('NCSP-ISA-2026-01', 'Northshire Community Safety Partnership information sharing agreement', '["northshire-academy", "northshire-council", "northshire-homes", "northshire-hospitals", "northshire-mash", "northshire-police", "northshire-yjs"]', '2026-01-01 00:00:00+00', '2031-01-01 00:00:00+00');
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
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-YB7WTKEE', 'intake', 'DONE', 0, NULL, '2026-12-06 17:10:27.331645+00', '{"prefect_parameters_redacted": true}', '\xc67b0dc157ea065e094e4e016ee7e8a0d2b05e3f7edf1274ecdb84857b31');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-YB7WTKEE', 'triage', 'DONE', 0, NULL, '2026-12-06 17:10:28.405823+00', '{"decision": "REFUSE", "reasons": ["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.", "item-1 states no reason why it is necessary.", "Schedule 2 requests need a countersignature by an officer of Inspector rank or above."], "due_at": "2026-12-09T17:00:00+00:00", "isa_reference": "NCSP-ISA-2026-01", "needs_override": true}', '\xccc6ccf64f95fcb1a9368c19c1c4d7995aa502c76754075ec849a5cba98d');
INSERT INTO __SCHEMA__.request_steps (ref, step, status, attempts, actor_id, updated_at, public, sealed) VALUES ('ISR-20261206-YB7WTKEE', 'outcome-notice', 'DONE', 0, NULL, '2026-12-06 17:10:28.576658+00', '{}', '\x882c844f6b47ab0c4e0d420a2ddb9b24786a9dbe5c83377700741eb9c871');
INSERT INTO __SCHEMA__.requests (ref, flow_run_id, received_at, requesting_agency, disclosing_agency, requester_id, urgency, due_at, status, public, wrapped_key, sealed_request) VALUES ('ISR-20261206-YB7WTKEE', 'ddd70d35-116a-46bd-b914-7618789475d5', '2026-12-06 17:10:27.262032+00', 'northshire-police', 'northshire-council', 'pc-ahmed', 'AMBER', '2026-12-09 17:00:00+00', 'DECIDED', '{"requesting_agency": "northshire-police", "requester_id": "pc-ahmed", "disclosing_agency": "northshire-council", "purpose": "PREVENT_DETECT_CRIME", "naming_offence_would_prejudice": false, "items": [{"description": "All information held on the tenant"}], "regime": "UK_GDPR", "lawful_basis": "PUBLIC_TASK", "sensitive_condition": "NONE", "special_category_data": false, "criminal_offence_data": false, "gateway": "DPA_SCH2_P1_PARA2", "isa_reference": "", "dpia_considered": false, "consent": "NOT_SOUGHT_PREJUDICE", "urgency": "AMBER", "countersigned_by": "", "delivery": "SECURE_INBOX", "subject_count": 1, "third_party_count": 0, "item_ids": ["item-1"]}', '\x114dd1c2df50d9fffc547c561e0acc85b0724a0fca20b74497c2d1ecf3940e24991fd1d3778c4830a32f17cf40e37e910b1de80a459d2a8306252b3d', '\xbd53ecd331c4ba245d601dd0c04b6683ee45b9d140a7a00573fb04b4bac34ec2091bef418790d96a76206c5f3ee5079453c6f01c0b69e01916df2c1940e16a7ce64d14e19053a44365608efd254cc1573177e7e07f05dcf302ded40413071774077a6de10e364349ea38f37c914b90c500208dc115794d0fed8fc7d375284e0b78b6058ed376466aad4afad9ae8fbf8d76d0be78086af53f428ff00373b4ca97bdb5c5e44f3ee8d0d3d1ed296f9add16e8e2c3ca67d747d15a31b224c9bb6dcdc29c7c6a9e668fa6a47d153e8e0075b9c986373f8801a83a31826ff6355537a7cf79be4ba22a9101adefe00184a6ec52fd4c73500b9aac8e6cdf7da4c14e0d152b5ffd63842284889aaacb33d6086c5dad73cc92be0cd80e4fb9c39c2e4b063fb9e7106c77cfeff35a4582047e2ab9a38e2d147b023937331938941fb64a08c552e8366c47238e37f7280dfa2311afc3f4ec375ed214407705bbd2932c87b1a887836db072f0209d684efcfdb4186f3acd25117ff34332107bb21784ccec455af3e96513347c593ecf19763472499912e4169e4adc646ee22234078e321e1aa15d260fb2e40a56d9f6ad9ce84d94c0040029eb554a71518e246f6f6d53f91269afd08b0d8397b70372f2695d0543af4bcd071bc0eb7c005114176bd3d27032dfe0152a6d6d38159990f51ea74f8bdb9913dedf74cdca0a4edf55af0398c37a09185f98cc81e45870b5f322c000d5d94a5d41b60ae2eda6b949e8a2bdbf9a807d378a387ec9aba66cbbbae5a620474bfa0d90bed3ec2f5ea7bd53ad7e4f1ccddda76327ae5a4a375f6426111c4f611303ffc35505ca5effa8bf2ab4854d8a4baf8b9842927a3c982d7b2b39e54d020e7355063bfbac333e7c259bad4ec6bbf00f522a11bbd5f5dc2a56844577cbf561f287572bfc55b5f5aaf4c5e7c6c578a1f1eff45f49589f0def1e3d98bc9f6db92da432fcf6ff5af73f86b5f0b78bb80a0b393772b1331db4e40b21f7843b20cb8e35cf4ccbc224cbcd85b2b03355472c4efc5a9762c237f4cd14dd3eae1e3a77c7d6aeec203c5691894e33801861179dc529b0b362aa62b54f4d27ef94350ef3d34667c4e59cdd81bfb7a0a74c928805ac8059028be04a37c7a6ac43dfa3adabab0ce34d2e6f335717f206f3346dd43128805ae2084fa3f568e25aa432cffcfa5823eb80a5444e85ba914beefcdb4f413190f86bf44d10cefaed394ebed6042e555bcd307c332be1a8667eff16cb5c88817da5f18854fb54b1f570aedc2afc363859');
SELECT pg_catalog.setval('__SCHEMA__.audit_events_id_seq', 5, true);
SELECT pg_catalog.setval('__SCHEMA__.decision_checkpoints_id_seq', 1, false);
SELECT pg_catalog.setval('__SCHEMA__.decision_records_id_seq', 1, true);
SELECT pg_catalog.setval('__SCHEMA__.one_time_codes_id_seq', 1, false);
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
CREATE INDEX ix_agency_keys_agency_id ON __SCHEMA__.agency_keys USING btree (agency_id);
CREATE INDEX ix_audit_events_ref ON __SCHEMA__.audit_events USING btree (ref);
CREATE INDEX ix_decision_checkpoints_agency ON __SCHEMA__.decision_checkpoints USING btree (agency);
CREATE INDEX ix_decision_records_decision ON __SCHEMA__.decision_records USING btree (decision);
CREATE INDEX ix_decision_records_disclosing_agency ON __SCHEMA__.decision_records USING btree (disclosing_agency);
CREATE INDEX ix_one_time_codes_ref ON __SCHEMA__.one_time_codes USING btree (ref);
CREATE INDEX ix_people_agency_id ON __SCHEMA__.people USING btree (agency_id);
CREATE INDEX ix_requests_disclosing_agency ON __SCHEMA__.requests USING btree (disclosing_agency);
CREATE INDEX ix_requests_requesting_agency ON __SCHEMA__.requests USING btree (requesting_agency);
CREATE INDEX ix_requests_status_due ON __SCHEMA__.requests USING btree (status, due_at);
CREATE INDEX ix_seen_envelopes_expires ON __SCHEMA__.seen_envelopes USING btree (expires);
CREATE TRIGGER decision_checkpoints_append_only BEFORE DELETE OR UPDATE ON __SCHEMA__.decision_checkpoints FOR EACH ROW EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
CREATE TRIGGER decision_checkpoints_no_truncate BEFORE TRUNCATE ON __SCHEMA__.decision_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
CREATE TRIGGER decision_records_append_only BEFORE DELETE OR UPDATE ON __SCHEMA__.decision_records FOR EACH ROW EXECUTE FUNCTION __SCHEMA__.infoshare_append_only();
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
