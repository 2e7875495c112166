PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE agencies (
	id VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	approver_roles JSON NOT NULL, 
	dpo_email VARCHAR(200), 
	office_hours JSON NOT NULL, 
	deputy VARCHAR(64), 
	on_call JSON, 
	signoff_policy JSON NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO agencies VALUES('northshire-police','Northshire Police','POLICE','["Inspector","Chief Inspector","Superintendent","Chief Superintendent"]','dpo@police.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}','ci-patel','["ci-patel"]','{"four_eyes":true,"ranks":["Constable","Sergeant","Inspector","Chief Inspector","Superintendent","Chief Superintendent"],"signoff_rules":[{"min_rank":"Inspector","roles":[],"special_category":false,"tiers":["EMERGENCY","RED","AMBER"]},{"min_rank":"Sergeant","roles":[],"special_category":false,"tiers":["GREEN","ROUTINE"]}]}');
INSERT INTO agencies VALUES('northshire-council','Northshire County Council','COUNCIL','["Senior Manager","Head of Service","Director"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]','{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO agencies VALUES('northshire-hospitals','Northshire Hospitals NHS Trust','HEALTH','["Caldicott Guardian","Deputy Caldicott Guardian","Medical Director"]','dpo@hospitals.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]','{"four_eyes":true,"ranks":[],"signoff_rules":[{"min_rank":null,"roles":["Caldicott Guardian","Deputy Caldicott Guardian"],"special_category":true,"tiers":[]}]}');
INSERT INTO agencies VALUES('northshire-academy','Northshire Academy','SCHOOL','["Headteacher","Designated Safeguarding Lead"]','dpo@academy.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}','school-dsl','["school-dsl"]','{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO agencies VALUES('northshire-homes','Northshire Homes','HOUSING','["Head of Housing","Tenancy Services Manager"]','dpo@homes.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]','{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO agencies VALUES('northshire-yjs','Northshire Youth Justice Service','YOUTH_JUSTICE','["Service Manager"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]','{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
INSERT INTO agencies VALUES('northshire-mash','Northshire Multi-Agency Safeguarding Hub','SAFEGUARDING_HUB','["MASH Manager"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]','{"four_eyes":true,"ranks":[],"signoff_rules":[]}');
CREATE TABLE isas (
	reference VARCHAR(100) NOT NULL, 
	title VARCHAR(300) NOT NULL, 
	parties JSON NOT NULL, 
	valid_from DATETIME NOT NULL, 
	valid_to DATETIME NOT NULL, 
	PRIMARY KEY (reference)
);
INSERT INTO isas VALUES('NCSP-ISA-2026-01','Northshire Community Safety Partnership information sharing agreement','["northshire-academy","northshire-council","northshire-homes","northshire-hospitals","northshire-mash","northshire-police","northshire-yjs"]','2026-01-01 00:00:00.000000','2031-01-01 00:00:00.000000');
CREATE TABLE requests (
	ref VARCHAR(40) NOT NULL, 
	flow_run_id VARCHAR(36), 
	received_at DATETIME NOT NULL, 
	requesting_agency VARCHAR(64) NOT NULL, 
	disclosing_agency VARCHAR(64) NOT NULL, 
	requester_id VARCHAR(64) NOT NULL, 
	urgency VARCHAR(16) NOT NULL, 
	due_at DATETIME, 
	status VARCHAR(32) NOT NULL, 
	public JSON NOT NULL, 
	wrapped_key BLOB, 
	sealed_request BLOB, 
	PRIMARY KEY (ref), 
	UNIQUE (flow_run_id)
);
INSERT INTO requests VALUES('ISR-20261206-PP74QMKD','cce24c17-7846-4fcf-9525-83bf33a9dfaa','2026-12-06 17:31:07.213679','northshire-police','northshire-council','pc-ahmed','AMBER','2026-12-09 17:00:00.000000','DECIDED','{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","risk_to_life":false,"sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}',X'60776a22f4cf2291646184ac753168f2ca044977e12566aa5ddb7a26c8cc7169f11a4a11e0a3cacb5bc9b16f2be462a3f8084241746db87bbc42d679',X'1dcc813ace28d915faa92118e66d974ca4f17fad0e353b55993055cb6215be501307a671e9cc89cefc40684a7a5d8bbe4e1edbd648167e71ce4c2a3dd5f9679d0a4381781f3ed993330091cd08ace682b093497a597963f0b8d4f28d03355a17373713c9430e6d4c275240584a64c5d0899564b63bbf419265f95a5adce2b15b3d180f586a2555700021c99716f494a169fd9735b815bd7d22c59939533880e46925d4035666ce7fe7a0483a7babf6562727e05fb463be3935c2abb238e06b63e63af54aa92f590d73ab7ef845efe8486534fc715b70a39c0780620b3770939fa2cf891bc91b285b47791333b235dafd62a5e3eef355d9f19007a7308f1c30e159fa386ecdfac5fd54e9f477faec62bd406e2df63e008ac0e19bfef4735335f30871b55437984f47cc04e4abe695a8000accacf04b7f1a95f738ad7e1ee42afa0ea0188d7884c2bd998c8c2560a7c2dc7b66504b3772b856e0f50e5422e6ab7095a9b78800570b06527f539cbf2e3ef42ac2beb7ab0c204387a1cce07e4627323ccfc846d7c82a2c30fecc7a436d446a9d342bd0b74f099d2a955bc36f023653bee1a49e2e1b6378539289f479fcae2752ef140942e2010af4ec09d4ffcac308f056b76f4b0aaf63a545179bcd924cbbffbbec9ba2472f30d7a6e2fad6f872a5285a5d9751cf4239da01a6d112474f18818ad93e281483a46f5cb7e402a2da02d3eae7d56bd71d6c5529fb823c2da10922a8c7ac9f336cd884f78116c340dd1be3ce9120c2005ede5460c9ec3f07b2d9345153ede4bf1e9954b3b62ee99e9ff4764e54e7922fa910eb1ce7d8301e935986fcaf9598de4bf836d1e66c4b20db5ec108f385a4eb52be530c18a17f518622140d75819a4ab0ed92497b6f861e851f401e456f8e0966aad59e8b155e7d06ca0113b70c71fd307875df57a5644c9cd0c92af98e92215b742172bcf537a60d6a47197e753072664f78ae754faeb1f345deb70fda7bae0befc9c302310f1f4cb15688c197db963fa7c95d680c4d00489ba28b39d6b2e48cb163c2bf15a4bc8f23bc0741f0a3a4c0c042e1d40a5e9aadeec02f9cec173a35871c6f58d700a12342a92656cc50f2e1a50be92e01dbb71a40b4e65d1ea45ded3b62bf590f1e29ea7c88509ad6c6ae2d681583fa204483ab31d037d4f332512287d245ca9633425bbdfd9d8ce2d1fc977b86647faac16b48a9547eab2c8cb4f5cca9a3d6c1bde6316a26bbae80b27c8162b3915b1dbbd468f4c757a28c4f31e1c89ecf64bb652a27a44be3f8b7a4d9a45a27c45cf08ee1f30e68ba8f8e1d17');
CREATE TABLE decision_chains (
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (agency)
);
INSERT INTO decision_chains VALUES('northshire-council',1,'739d1575f88b5ceb08f9b67158cbc375558d7b4a419fc36eb2d10d8d9907fe4c','2026-12-06 17:31:10.016052');
CREATE TABLE decision_checkpoints (
	id INTEGER NOT NULL, 
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	signed_at DATETIME NOT NULL, 
	key_id VARCHAR(64) NOT NULL, 
	signature VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (agency, seq)
);
CREATE TABLE audit_events (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	ref VARCHAR(40), 
	step VARCHAR(32), 
	actor_id VARCHAR(64), 
	event VARCHAR(64) NOT NULL, 
	detail TEXT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO audit_events VALUES(1,'2026-12-06 17:31:07.224173','ISR-20261206-PP74QMKD','intake','pc-ahmed','request received','');
INSERT INTO audit_events VALUES(2,'2026-12-06 17:31:07.305627','ISR-20261206-PP74QMKD','intake',NULL,'step completed','');
INSERT INTO audit_events VALUES(3,'2026-12-06 17:31:09.975554','ISR-20261206-PP74QMKD','triage',NULL,'step completed','');
INSERT INTO audit_events VALUES(4,'2026-12-06 17:31:10.016062','ISR-20261206-PP74QMKD','record',NULL,'decision recorded: REFUSE','');
INSERT INTO audit_events VALUES(5,'2026-12-06 17:31:10.036565','ISR-20261206-PP74QMKD','outcome-notice',NULL,'step completed','');
INSERT INTO audit_events VALUES(6,'2026-12-06 17:31:10.085879','ISR-20261206-PP74QMKD',NULL,'pc-ahmed','notified','outcome via outbox');
INSERT INTO audit_events VALUES(7,'2026-12-06 17:31:10.196041','ISR-20261206-PP74QMKD','decision-artifact',NULL,'step completed','');
CREATE TABLE seen_envelopes (
	message_id VARCHAR(32) NOT NULL, 
	sender_key_id VARCHAR(64) NOT NULL, 
	opened_at DATETIME NOT NULL, 
	expires DATETIME NOT NULL, 
	PRIMARY KEY (message_id)
);
CREATE TABLE people (
	id VARCHAR(64) NOT NULL, 
	agency_id VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	role VARCHAR(100) NOT NULL, 
	email VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(agency_id) REFERENCES agencies (id)
);
INSERT INTO people VALUES('pc-ahmed','northshire-police','PC Sam Ahmed','Constable','sam.ahmed@police.northshire.example');
INSERT INTO people VALUES('ds-okafor','northshire-police','DS Chi Okafor','Sergeant','chi.okafor@police.northshire.example');
INSERT INTO people VALUES('insp-hughes','northshire-police','Insp. Rhian Hughes','Inspector','rhian.hughes@police.northshire.example');
INSERT INTO people VALUES('ci-patel','northshire-police','Ch. Insp. Dev Patel','Chief Inspector','dev.patel@police.northshire.example');
INSERT INTO people VALUES('council-officer','northshire-council','Alex Morgan','Information Governance Officer','alex.morgan@council.northshire.example');
INSERT INTO people VALUES('council-senior','northshire-council','Jo Whitfield','Senior Manager','jo.whitfield@council.northshire.example');
INSERT INTO people VALUES('council-head','northshire-council','Sam Okoro','Head of Service','sam.okoro@council.northshire.example');
INSERT INTO people VALUES('nurse-lee','northshire-hospitals','Kim Lee','Safeguarding Nurse','kim.lee@hospitals.northshire.example');
INSERT INTO people VALUES('caldicott-rao','northshire-hospitals','Dr Priya Rao','Caldicott Guardian','priya.rao@hospitals.northshire.example');
INSERT INTO people VALUES('caldicott-deputy','northshire-hospitals','Dr Owen Hale','Deputy Caldicott Guardian','owen.hale@hospitals.northshire.example');
INSERT INTO people VALUES('school-dsl','northshire-academy','Mark Evans','Designated Safeguarding Lead','mark.evans@academy.northshire.example');
INSERT INTO people VALUES('school-office','northshire-academy','Ruth Clarke','Data Manager','ruth.clarke@academy.northshire.example');
INSERT INTO people VALUES('school-head','northshire-academy','Helen Price','Headteacher','helen.price@academy.northshire.example');
INSERT INTO people VALUES('housing-officer','northshire-homes','Tom Baker','Housing Officer','tom.baker@homes.northshire.example');
INSERT INTO people VALUES('housing-manager','northshire-homes','Nia Jones','Tenancy Services Manager','nia.jones@homes.northshire.example');
INSERT INTO people VALUES('housing-head','northshire-homes','Ravi Shah','Head of Housing','ravi.shah@homes.northshire.example');
INSERT INTO people VALUES('yjs-worker','northshire-yjs','Ben Carter','YJS Case Manager','ben.carter@yjs.northshire.example');
INSERT INTO people VALUES('yjs-manager','northshire-yjs','Ola Adeyemi','Service Manager','ola.adeyemi@yjs.northshire.example');
INSERT INTO people VALUES('yjs-manager-2','northshire-yjs','Cara Flynn','Service Manager','cara.flynn@yjs.northshire.example');
INSERT INTO people VALUES('mash-social-worker','northshire-mash','Sara Novak','MASH Social Worker','sara.novak@mash.northshire.example');
INSERT INTO people VALUES('mash-manager','northshire-mash','Liam Byrne','MASH Manager','liam.byrne@mash.northshire.example');
INSERT INTO people VALUES('mash-deputy','northshire-mash','Eve Walsh','MASH Manager','eve.walsh@mash.northshire.example');
CREATE TABLE agency_keys (
	key_id VARCHAR(64) NOT NULL, 
	agency_id VARCHAR(64) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	public_raw BLOB NOT NULL, 
	not_before DATETIME NOT NULL, 
	not_after DATETIME NOT NULL, 
	PRIMARY KEY (key_id), 
	FOREIGN KEY(agency_id) REFERENCES agencies (id)
);
INSERT INTO agency_keys VALUES('390833ee70ff51d03dce03e6792894c6','northshire-police','x25519',X'598fdde12efba9aaadf6df1dfecc15b0259afc5d096057561bb6dfc7415abf12','2026-12-06 17:23:32.184417','2028-12-05 17:28:32.184417');
INSERT INTO agency_keys VALUES('96e59cab445eeafaf8f28b52641bb662','northshire-police','ed25519',X'8956018a2508bc2b31137851f0af41d8ef17487a542a8cb0c26ede40d040fc9d','2026-12-06 17:23:32.184417','2028-12-05 17:28:32.184417');
INSERT INTO agency_keys VALUES('fe952be0cef20b5a20eba7829dc8a885','northshire-council','x25519',X'85bdf274d1e0373655f6686183fff2a3af2f0518da474ce9fb59eaf01c0e3b58','2026-12-06 17:23:32.696281','2028-12-05 17:28:32.696281');
INSERT INTO agency_keys VALUES('2cf6e25b2d61985de0826620936df311','northshire-council','ed25519',X'30e90aaaee52ccaa6a78c5a1733e0022f6f46408b527988c4eee28fab307e7a7','2026-12-06 17:23:32.696281','2028-12-05 17:28:32.696281');
INSERT INTO agency_keys VALUES('1b982045a15d215cafd9023e470b3bc0','northshire-hospitals','x25519',X'1c2d5fb0cd160487305e7a700209b4a7c398c414b554cbb0603af970371ee52b','2026-12-06 17:23:32.751083','2028-12-05 17:28:32.751083');
INSERT INTO agency_keys VALUES('79b51a71baab07617d0d33c3ff5d196f','northshire-hospitals','ed25519',X'295eecc08edc3507b957bad68de3264d8c93291f9e12c13d91dd007cd1674f66','2026-12-06 17:23:32.751083','2028-12-05 17:28:32.751083');
INSERT INTO agency_keys VALUES('3698d94a27b4ae3dcf6305538bd8956a','northshire-academy','x25519',X'65069bbeeb0b388099968318477a9f5e15aa60d0413ea8682d71d69949546c01','2026-12-06 17:23:32.802941','2028-12-05 17:28:32.802941');
INSERT INTO agency_keys VALUES('0fd1cabf0588c2deec204e4a064b1e3e','northshire-academy','ed25519',X'270ef0ed4b74dcb8c9a58f0beb45e0c44b877e7ec83863583b418927c3771b91','2026-12-06 17:23:32.802941','2028-12-05 17:28:32.802941');
INSERT INTO agency_keys VALUES('eaf19e5272f8b8472e8d81ffec4ab95c','northshire-homes','x25519',X'ef6db75d3a8c5d4e8f738b4b1ca17f3707fc85fd2349a558b4b2a00d51753b00','2026-12-06 17:23:32.855878','2028-12-05 17:28:32.855878');
INSERT INTO agency_keys VALUES('3afb3693b30ea4221e93bfb419dd5711','northshire-homes','ed25519',X'0986cecce51f592c8d959f81f24e3e2dc3dce7e6d324779be2616891278762cb','2026-12-06 17:23:32.855878','2028-12-05 17:28:32.855878');
INSERT INTO agency_keys VALUES('e0900e5e4ed6014e88060356152b96ff','northshire-yjs','x25519',X'ef69e6a6eb6679b4e77c0d826d843705898f62c9d27e68a987a32de514bc2a36','2026-12-06 17:23:32.932543','2028-12-05 17:28:32.932543');
INSERT INTO agency_keys VALUES('9a605fda6f6c2ebb6293a7ad237d1105','northshire-yjs','ed25519',X'b5b13312bf400e722067d39764c92e4c696e77ca186cd9e9f13a130d6968bdc7','2026-12-06 17:23:32.932543','2028-12-05 17:28:32.932543');
INSERT INTO agency_keys VALUES('5a54b73c140ebda27af75a0ac02f58e3','northshire-mash','x25519',X'4b7dd0b8559f659db7ba496b3d1ca73c0da1c1d5ca01133347c0653fbca45f4a','2026-12-06 17:23:33.030556','2028-12-05 17:28:33.030556');
INSERT INTO agency_keys VALUES('fef8086def60539ae9a2881a7fea4ffc','northshire-mash','ed25519',X'24c4252ba8dad0e366c21a3bbbe4dfac6b3f31d83cda89d2de83a2bcd08fd25a','2026-12-06 17:23:33.030556','2028-12-05 17:28:33.030556');
CREATE TABLE request_steps (
	ref VARCHAR(40) NOT NULL, 
	step VARCHAR(32) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	actor_id VARCHAR(64), 
	updated_at DATETIME NOT NULL, 
	public JSON NOT NULL, 
	sealed BLOB, 
	opened_at DATETIME, 
	due_at DATETIME, 
	PRIMARY KEY (ref, step), 
	FOREIGN KEY(ref) REFERENCES requests (ref)
);
INSERT INTO request_steps VALUES('ISR-20261206-PP74QMKD','intake','DONE',0,NULL,'2026-12-06 17:31:07.304318','{"prefect_parameters_redacted":true}',X'419f32caa03bed6aec05c8e2079b603d7b76423b2b530dbf6618109eaa82',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-PP74QMKD','triage','DONE',0,NULL,'2026-12-06 17:31:09.975456','{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","emergency":false,"isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}',X'73d75cbe0cdc7c85add653e21b12ea4710f4fbb2ea48f56662e5ceaa7e35',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-PP74QMKD','outcome-notice','DONE',0,NULL,'2026-12-06 17:31:10.036513','{}',X'36e8910cb0b19124cd846ab207fe3c4b00b29418ecf23fba3e9e1d27e639',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-PP74QMKD','decision-artifact','DONE',0,NULL,'2026-12-06 17:31:10.195938','{}',X'5284fd30b912dceaf1fbdc9a7958ee6792765927f6eb65ca653e07cfb106',NULL,NULL);
CREATE TABLE item_contents (
	ref VARCHAR(40) NOT NULL, 
	item_id VARCHAR(16) NOT NULL, 
	provided_by VARCHAR(64) NOT NULL, 
	provided_at DATETIME NOT NULL, 
	size INTEGER NOT NULL, 
	sealed BLOB NOT NULL, 
	PRIMARY KEY (ref, item_id), 
	FOREIGN KEY(ref) REFERENCES requests (ref)
);
CREATE TABLE decision_records (
	id INTEGER NOT NULL, 
	ref VARCHAR(40) NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	decision VARCHAR(16) NOT NULL, 
	requesting_agency VARCHAR(64) NOT NULL, 
	disclosing_agency VARCHAR(64) NOT NULL, 
	urgency VARCHAR(16) NOT NULL, 
	due_at DATETIME, 
	decided_at DATETIME NOT NULL, 
	envelope_id VARCHAR(64), 
	envelope_sha256 VARCHAR(64), 
	chain_seq INTEGER NOT NULL, 
	prev_sha256 VARCHAR(64) NOT NULL, 
	record_sha256 VARCHAR(64) NOT NULL, 
	public JSON NOT NULL, 
	personal_commitments JSON NOT NULL, 
	sealed_personal BLOB, 
	disposed_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (disclosing_agency, chain_seq), 
	UNIQUE (ref), 
	FOREIGN KEY(ref) REFERENCES requests (ref)
);
INSERT INTO decision_records VALUES(1,'ISR-20261206-PP74QMKD','2026-12-06 17:31:10.009432','REFUSE','northshire-police','northshire-council','AMBER','2026-12-09 17:00:00.000000','2026-12-06 17:31:10.009432',NULL,NULL,1,'0000000000000000000000000000000000000000000000000000000000000000','739d1575f88b5ceb08f9b67158cbc375558d7b4a419fc36eb2d10d8d9907fe4c','{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:31:10.009432+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:31:07.213679+00:00","reference":"ISR-20261206-PP74QMKD","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-06","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}','{"consent_reason":"5bb54f13f93723213e1966093682e6651db64d11b095f59549c9e22264742be1","consequence_if_not_shared":"17f47b044176c77e694753bc01293bd1daafb8134c9c2054a07c0c926e8e2089","naming_offence_would_prejudice":"b3fe8660cd67f015e050eb12a3b6f003240a60b148dbb12c7f4fe06d6730915d","necessity":"8fb34414301a6afe46ed6c7087d326c4ee071c1928c979c22ebf03de6c5af5b6","offence_or_risk":"6f91c28de549f3b7085431ecbd84384dbc16393c08ad48c1f7f48f42690720d7","subjects":"e768377bb91e6107df36365b83fa0b095d1ad60155284e7621d28e29dc0c5ebd","third_parties":"21d50964b8b64f18ddf02687cf067571c4e2c90524c29d342204636db983f69b"}',X'029c2187934cfce4824282e73e7af01d262a378fb851a35ee8fd428a13092668fdf33dade3792cbe19e7d97a451da9ed30cdee7fd900e63d4c78761c223de422fd753da924083962e674be2706d24b685671d92d89994a3f5d335df74f0dac54ae47a5e795a18ef734fd252b847a80fc3591d5b82957c926ea9459c9c001d46c4569cb0841d035985b87ee31d4e183f497da564bf45c876516387798e28c1e8bf099438de83a9bbad083710cf879a60bf4050e8d55874b1fcf21a56f524ddc372740d320468bd4f64faa3d4ab3bf461ac838d7f512e1df0420dcd6d97b8a149e6c4a01afa2256592b8389d3722ee08183b0fcba28fe65be28188d74c871bfc96cfcc0e427244d05a773bbe30d7b5e7471de1d932ef2cedd75c30d28a16dbd94e053123d5719f2cb8f401012e5566a78f0c2ee172ab35d1f5231fe624b2c156c1f04d1d1e971a46ffa18df3d7693410dafd511f045525d75e48410dbf76a7ff8fddae4041e57f669d113c80fcfa2a7560553f2cc47533a6e39f5c1b13631db99c7de5215fe0b1d87dcd9de7e28feebf56e1dfbe48d946af791fb6e7a3965a09c41d916c152e4246115f9789523ded05b9d6785568fb7c5d11730b410548ed13e51b635eff5d0c4c63e207bd88a382eec6904774e53e6931ae2ce655994f041658a302b893c5e97602e10709126afcc3027d21844330afe048bf0fab91effff9ebb83b9c3ac4b16cfa43c67f211ffa8772e398dc593dc9190428cf606fc3271304c758558f8653d06acc2dcb37b8557ed9e08d359c7341d33300e118dfcae74270946537423a42a2011fee9706759386bd4a7b6b2a2c1f8ffe035a885aef9592e0327991214cd744bfc1b5f3ecdf0d06a2d24685f7858a905699772a602bdf881892ca3a42e722e21c97af507aa8de32187a0976adba84eba0ad43402320a11f24686178f71396b389a96f9b0e7d61f94e96829cff05e8b8f7e346617fbedff4c5fe1d1b3b369fa2febc0ca5246f4302d9a842702b29479db1c806e8e15de7e99143cb1b8e697ddc019e81a9a8f9e0ec07e5b53a8b00383d4370506c9c7eea7bcfcbc95ea03b99e6442bbed4d2cab9dabc9a164398623647ef9ec85d8eed57abbef95eda4daed1c4b1ba768ebbb9174a74428d13f29c13e8fc0c5771f1a8b61d389747e44442c62677231d174b9114b88ef93a',NULL);
CREATE TABLE decision_chain_floors (
	id INTEGER NOT NULL, 
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	checkpoint_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	key_id VARCHAR(64) NOT NULL, 
	signature VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (agency, seq), 
	FOREIGN KEY(checkpoint_id) REFERENCES decision_checkpoints (id)
);
CREATE TABLE subject_index (
	id INTEGER NOT NULL, 
	ref VARCHAR(40) NOT NULL, 
	disclosing_agency VARCHAR(64) NOT NULL, 
	requesting_agency VARCHAR(64) NOT NULL, 
	name_tag VARCHAR(64) NOT NULL, 
	name_dob_tag VARCHAR(64), 
	PRIMARY KEY (id), 
	FOREIGN KEY(ref) REFERENCES requests (ref)
);
INSERT INTO subject_index VALUES(1,'ISR-20261206-PP74QMKD','northshire-council','northshire-police','eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e','17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
CREATE TABLE agency_intakes (
	agency_id VARCHAR(64) NOT NULL, 
	url VARCHAR(2000) NOT NULL, 
	ca_pem TEXT, 
	PRIMARY KEY (agency_id), 
	FOREIGN KEY(agency_id) REFERENCES agencies (id)
);
CREATE TABLE one_time_codes (
	id INTEGER NOT NULL, 
	ref VARCHAR(40) NOT NULL, 
	step VARCHAR(32) NOT NULL, 
	person_id VARCHAR(64) NOT NULL, 
	flow_run_id VARCHAR(36) NOT NULL, 
	nonce BLOB NOT NULL, 
	issued_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	used_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(ref) REFERENCES requests (ref)
);
CREATE TABLE person_keys (
	key_id VARCHAR(64) NOT NULL, 
	person_id VARCHAR(64) NOT NULL, 
	public_raw BLOB NOT NULL, 
	registered_at DATETIME NOT NULL, 
	retired_at DATETIME, 
	source VARCHAR(16) NOT NULL, 
	PRIMARY KEY (key_id), 
	FOREIGN KEY(person_id) REFERENCES people (id)
);
CREATE INDEX ix_requests_status_due ON requests (status, due_at);
CREATE INDEX ix_requests_disposed_disclosing_agency ON requests (disclosing_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_received ON requests (received_at);
CREATE INDEX ix_requests_disposed_requesting_agency ON requests (requesting_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_requesting_agency ON requests (requesting_agency);
CREATE INDEX ix_requests_disclosing_agency ON requests (disclosing_agency);
CREATE INDEX ix_decision_checkpoints_agency ON decision_checkpoints (agency);
CREATE INDEX ix_audit_events_ref ON audit_events (ref);
CREATE INDEX ix_seen_envelopes_expires ON seen_envelopes (expires);
CREATE INDEX ix_people_agency_id ON people (agency_id);
CREATE INDEX ix_agency_keys_agency_id ON agency_keys (agency_id);
CREATE INDEX ix_decision_records_decision ON decision_records (decision);
CREATE INDEX ix_records_requesting ON decision_records (requesting_agency);
CREATE INDEX ix_decision_records_disclosing_agency ON decision_records (disclosing_agency);
CREATE INDEX ix_decision_chain_floors_agency ON decision_chain_floors (agency);
CREATE INDEX ix_subject_index_name_tag ON subject_index (name_tag);
CREATE INDEX ix_subject_index_name_dob_tag ON subject_index (name_dob_tag);
CREATE INDEX ix_subject_index_ref ON subject_index (ref);
CREATE INDEX ix_one_time_codes_ref ON one_time_codes (ref);
CREATE INDEX ix_person_keys_person_id ON person_keys (person_id);
CREATE TRIGGER decision_records_no_update
        BEFORE UPDATE ON decision_records WHEN NOT (OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL AND NEW.sealed_personal IS NULL AND NEW.id IS OLD.id AND NEW.ref IS OLD.ref AND NEW.recorded_at IS OLD.recorded_at AND NEW.decision IS OLD.decision AND NEW.requesting_agency IS OLD.requesting_agency AND NEW.disclosing_agency IS OLD.disclosing_agency AND NEW.urgency IS OLD.urgency AND NEW.due_at IS OLD.due_at AND NEW.decided_at IS OLD.decided_at AND NEW.envelope_id IS OLD.envelope_id AND NEW.envelope_sha256 IS OLD.envelope_sha256 AND NEW.chain_seq IS OLD.chain_seq AND NEW.prev_sha256 IS OLD.prev_sha256 AND NEW.record_sha256 IS OLD.record_sha256 AND NEW.public IS OLD.public AND NEW.personal_commitments IS OLD.personal_commitments)
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_records_no_delete
        BEFORE DELETE ON decision_records WHEN NOT (OLD.chain_seq <= COALESCE((SELECT MAX(f.seq) FROM decision_chain_floors f WHERE f.agency = OLD.disclosing_agency), 0))
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_checkpoints_no_update
        BEFORE UPDATE ON decision_checkpoints 
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_checkpoints_no_delete
        BEFORE DELETE ON decision_checkpoints 
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_chain_floors_no_update
        BEFORE UPDATE ON decision_chain_floors 
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_chain_floors_no_delete
        BEFORE DELETE ON decision_chain_floors 
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_chain_floors_forward
        BEFORE INSERT ON decision_chain_floors WHEN NOT (NEW.seq > COALESCE((SELECT MAX(f.seq) FROM decision_chain_floors f WHERE f.agency = NEW.agency), 0) AND EXISTS (
    SELECT 1 FROM decision_checkpoints c WHERE c.id = NEW.checkpoint_id
    AND c.agency = NEW.agency AND c.seq = NEW.seq AND c.head_sha256 = NEW.head_sha256))
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only: a chain floor only moves forward, onto a stored checkpoint at its seq'); END;
COMMIT;
