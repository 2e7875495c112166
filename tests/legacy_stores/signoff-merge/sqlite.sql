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
INSERT INTO requests VALUES('ISR-20261206-CLG7WBH9','8187cb6d-2b7e-4272-aa52-26f383158b0e','2026-12-06 17:24:34.326742','northshire-police','northshire-council','pc-ahmed','AMBER','2026-12-09 17:00:00.000000','DECIDED','{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","risk_to_life":false,"sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}',X'91b6b42d556470547e1aeec95bb1724fca299680730f30544e4578bdab3e7de558e537f6d269d1c5df6b4fcbaae59debb63278949f4a8f2d4cd304d6',X'bf884e88b7afc340092103bdd34f93c119e33bc1713a5b489ca4b728f1162dcaef060c06e99df7a1493c7e8e3a11aa64dbc9927a2b3bf9f931fb0d3b24268d8652e6d8c32b0fa88e1f689814c140d570419711f9d2d830c857a3b8bc30f90c74b569f3fa6c65ec942697647fa46845544f257df9aaf5dfe77c9c5deb6e76ef53f9775c2243ac6f6f5c5e5679e2cb4a9cb4cc8352005f18d4a22d7b80369180091d8ac705d11e82da7fe6b11c7dacd690165586600de7266e474cd53ca17dac7dda16333ea0df1c0c60138de8d2884dfab282255f7c271b3548a8d321be3b3bc29332cd6eedbf1600eee50bd3f73665a4335814ff44bf5ea2bd2c20a558904b90d3e0b899f6d2fb05773d71d6549ecb65489e5ec90e7ab22505c522a388a0d7678a215914098a1065d32f9876fab543c3903169a2bc0041f63467c2fbbd39563d45e088c8ddd76783765b8e34b360cad1ed203793dda851b63f38526c9ff2a5d7a96cb05d54afdfeb02c21b9378f3fbf52705072feb5f6a7f1a03f0194c71a1cc5afb298abc283474ca4afb8ee330f8df96398db4f222b0d88c6f1d9c80e4166b2c0a735bd44c0e9159ad28e5ff7015e6815e086709d4c26757dd92a9e82669b83a25cc0ec6fd39651efc9f252ccecd98f825bf6400010e3af4dff4e9d50e3ffa9a092cb976930edd6bf0929b2f6bc845ea857ee88e987678b1f028f8f60e147a04189327ca9f0bf816e621c75034033b77f57093b6e977363ff6572997da936a80febebacb1cd5de2a15696ad0bf663e1b3fb40420351800cb4c6895174990ca724a2ebb62b8e92d5093b53b1ce981b7d9e7484bec2f4afce8ed4bf34d85e9b9923c2dc37d42d88852c7651cde8a2651744b9dcde7d5eadcde4c156229b44790298203b0b58bc07f923e4d308f7af5e4ab3107898d5d6cb32bbfd5039789388c218697910645ffb204fedada54478b62d2bf5444c576ebfb8b03e35fe350f8649384a490279a28373ee4f59d9c3c6e1d69583bbd48e565533feda9f2fe2ee2333d20a0e77dfc076a75697026de85d887bf16f6eca400fb974f6a3899fedcefe1e136cc229b6b87a66d289ea21fc36070cd9a275fe95cdae9139f764e1678575710644d0efd149d1c0b91c79a9d07f01e378b1f83f09cec091d2c3d81dc36c74c987385763f7426a00adb8b255e2c5efb336c73482270054122a3c0a8624272c1b169c2633879657428fcb261a60372fb8b32723da173d276bacae001c2bf6e463e68adb35ee4d62e7e1c209a4ebba0cb88009984a6b408320bdb1f0f26bef7475a83575534e2');
CREATE TABLE decision_chains (
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (agency)
);
INSERT INTO decision_chains VALUES('northshire-council',1,'6d63951073e3cb697ddd9d429064548bf6d70b63a40e68b398aea4a892caeedd','2026-12-06 17:24:36.250326');
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
INSERT INTO audit_events VALUES(1,'2026-12-06 17:24:34.343066','ISR-20261206-CLG7WBH9','intake','pc-ahmed','request received','');
INSERT INTO audit_events VALUES(2,'2026-12-06 17:24:34.456358','ISR-20261206-CLG7WBH9','intake',NULL,'step completed','');
INSERT INTO audit_events VALUES(3,'2026-12-06 17:24:36.174532','ISR-20261206-CLG7WBH9','triage',NULL,'step completed','');
INSERT INTO audit_events VALUES(4,'2026-12-06 17:24:36.250335','ISR-20261206-CLG7WBH9','record',NULL,'decision recorded: REFUSE','');
INSERT INTO audit_events VALUES(5,'2026-12-06 17:24:36.282208','ISR-20261206-CLG7WBH9','outcome-notice',NULL,'step completed','');
INSERT INTO audit_events VALUES(6,'2026-12-06 17:24:36.364798','ISR-20261206-CLG7WBH9',NULL,'pc-ahmed','notified','outcome via outbox');
INSERT INTO audit_events VALUES(7,'2026-12-06 17:24:36.440216','ISR-20261206-CLG7WBH9','decision-artifact',NULL,'step completed','');
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
INSERT INTO agency_keys VALUES('1aecc6e27fa79c5b20aa9970a48065ce','northshire-police','x25519',X'4ee53fb6fb768ea1a76790ece55917b8517110602031d6cd97d0cb4869123a0c','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('cf7262770923da0a89743278bd30f52d','northshire-police','ed25519',X'7434e249faded140b2c657c68efd87f72ecaffbce71ac530191f8dce228da77a','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('4846336e076a5c6484265e10a837a3a9','northshire-council','x25519',X'd008949380856e640c8068ea5a9720d90f645a4a396fd7c9da57a6d800053d54','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('16f83e7537aa926355fc6fd33890959d','northshire-council','ed25519',X'34693f7ed82f90ca4fcb38cbc87ebc7eacacd4f4984457fb876752367ad95fe8','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('0f07849c5eb33e24740624816f009547','northshire-hospitals','x25519',X'0f39fc7d12c2f779295439b7eeb4b0e108127db498fd63f6b8dea8717198637c','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('c359a2ff7ceb3ab1276e887558fea77e','northshire-hospitals','ed25519',X'b4e2577ea99cd9e1c349dab25dbbcf738133b7f980d1f99580e9b4df43d9c91e','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('1902a7a37ff4a9aeeafdd188ba3b9f3c','northshire-academy','x25519',X'1d222c43010068d1f28206872745a91f98cc27baee7a18103b05b3c35a63c428','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('5dcedb6e893ceea612297bab5ccc0b9a','northshire-academy','ed25519',X'2d467e379ea7591486034d3f658fa9974aa4027d738ac8994dd5c3c4c557f277','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('ff0f0f6085cd077f7ef2569d27b26680','northshire-homes','x25519',X'fb9c50c384aebe84ac8c5b0ce1f9275145d4a3b448030b221ac987e4ae20f468','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('7b2fb48f8e8fe0f1ba09ef96b22cbe3c','northshire-homes','ed25519',X'5b577f4ded8c9d7c6126ed95a7441eca8786dece8fbdacb3755d1c5677f18df9','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('275d5445a0acbffdf4163ed2c438f19d','northshire-yjs','x25519',X'660f1105b140e480faab6a7e928d95c02980bc9739814a958fe4a6f16b9f1109','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('ab96f81ed72af0c4273bb660d4e7aef8','northshire-yjs','ed25519',X'e25c853aa1042dc42b04c794efadf21249f33e0f3f0f80cfd5a25e4b2ebfb340','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('9fa62c1dff7fdafb5028f8a1a2470a23','northshire-mash','x25519',X'f2751b1f98c710265f6dc10f01d34eed371ce5c8e15d7a8c09f4fc2371c5dd4f','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
INSERT INTO agency_keys VALUES('352510e15b360c49c070bf49fbc63a1a','northshire-mash','ed25519',X'2dae342fb95dbda45ffe3910b928d4303df9ad15bd63015eb643d82534ffff34','2026-12-06 17:17:21.547210','2028-12-05 17:22:21.547210');
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
INSERT INTO request_steps VALUES('ISR-20261206-CLG7WBH9','intake','DONE',0,NULL,'2026-12-06 17:24:34.456254','{"prefect_parameters_redacted":true}',X'1ee0eb7cd6ca3dc81bca69a23cdd75bc5221dfc6a29df1e8a3bf05878164',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-CLG7WBH9','triage','DONE',0,NULL,'2026-12-06 17:24:36.174413','{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","emergency":false,"isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}',X'056a3b1fbb538763fbd23960cf25d92543be37b4e672f8918f35a837e90b',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-CLG7WBH9','outcome-notice','DONE',0,NULL,'2026-12-06 17:24:36.282159','{}',X'28e240e2b6df6ad4d01c27ac5a27e1f484f2c542870300fa7b48f68420d2',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-CLG7WBH9','decision-artifact','DONE',0,NULL,'2026-12-06 17:24:36.440136','{}',X'44726c7ec9a463f4017ad6bf2494c8688c647f0d4474674425c0807b314e',NULL,NULL);
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
INSERT INTO decision_records VALUES(1,'ISR-20261206-CLG7WBH9','2026-12-06 17:24:36.235334','REFUSE','northshire-police','northshire-council','AMBER','2026-12-09 17:00:00.000000','2026-12-06 17:24:36.235334',NULL,NULL,1,'0000000000000000000000000000000000000000000000000000000000000000','6d63951073e3cb697ddd9d429064548bf6d70b63a40e68b398aea4a892caeedd','{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:24:36.235334+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:24:34.326742+00:00","reference":"ISR-20261206-CLG7WBH9","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-04","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}','{"consent_reason":"c0a496f231c0b3db9c5f85595c53ab987b648b1044f2c8db319a3a79a6e87d1c","consequence_if_not_shared":"d48b0fcc4feea98d992ede77e7bcd4679ce81c61c98fb602257455afa7cbeaa0","naming_offence_would_prejudice":"200a687aa5f56cab871adb7a5eae49a76c28d43e76a7a110c280e2ec6d5575f1","necessity":"1c9807e125429b600bc35d472af504fbcd8674a1d0a76a1c5c2103d74ec69119","offence_or_risk":"112e5084242b686522bed3e5e28ecc1342f5651b4c8fb4e55f4aab020f92a25c","subjects":"e3aa47d802b9fcfaee1d704827d3a261cc8bdc64586334a9e7e9b5cc6dde554a","third_parties":"3a817f9bb54b42ce881eec423b4dcb48633fcdff8ef70066f49fe74398a8121c"}',X'cfb0d31d55b499e0256da40f66b83d985f708aecd2777826faa103c476d3814e3303701a03a93f5e5a6f05161489e68aaf9d4e8cfd16ae3766900935d1592307491238f958b7f30511ff3e11784202c6949c58d189a679fe996efb904e329b00fbc09daad449998260ba4b59e0b4c7865bc8b76c638cfb6fe664c34a7e17adeb0482040598d91955f6d4108f2c1d4cdcd9502a6f25d64573aeb0ea7edbf0acc6317f26fc3d7d5df59c79e467400b5b27dd0c6abddfccdd2747dff4b9f0bfe2af8b766f324d5ce75932ed8c7b41d0a63d977bfba567bc3d837403c817b8ae71384e39e751e4c64938ac67d902ac3b4dd3b405acd94636d9b66651ffe551fc0288b7be82468e06554c648e05f7777c3543694ec9b9afb13019a346550b18f4bbf05deb800040fcbb5b97fbf3a7b9572318e81bfb454d28468175c926e59b3fede1c2612ff107d61daa13051850cdd119118b37f53641e7f88f5cf84e4b03e6515ec2230ecbe2da28fed66e60ed6d067f4698715949d7b24525077e305226acefd2c895ac8776c1ccd3d58f25683bdc93189fd92bf26df508aa0a21b1b6cf0fd23d63265a80d4013030c6c4c540807f210b0b7fb0620c619aa6fe7871c8cf08cf2dcf3911501acd3f4bd53faf492481071aa260958039e8efc897b25b141eada56b04f216293d69f7d89774d918775f6ee51f59d4276525313f7555e21105a836371e8d49939d3826c1c7cbb74c79f0504f0e50df16698caf9e4677c723b4bc02f726db69efe3c75747d7659674c018a5b578c4b31c66395b2d42b3e9266f04c1983fc4be95176db5c12db6d243879332b91f7078cfd6ab80e0673ccecd919fc109ed398506efd6962ec656947b82dfcb638fcc1714b0b84fb68b9edd984bf8bb20c8f30f826085b38280dc1540ca513c119698d755c8800996054cfb7aeb6d88fedba6537e67d4eaab929aca4a4066a677ddedde096bf13260802ec8a422c5b987165589ee3923321edf63d0934bea0b61bc89454df21a1d17c8ea9d9603671cc75d6d558fab1381ab882876a5a81f06a784dfc1f160bb58a12de0e2d18f31990662cddaa82a0beaafb7283aeee9b9f59e781c809b92fbe86006b160a1172f9b9ab163ab6930df140ad90c8a9e0657322236ded56f8614469fbd204bd0b6a20132d07f749e8ebef9da16da60ab5f842572897d',NULL);
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
INSERT INTO subject_index VALUES(1,'ISR-20261206-CLG7WBH9','northshire-council','northshire-police','eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e','17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
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
CREATE INDEX ix_requests_disposed_disclosing_agency ON requests (disclosing_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_requesting_agency ON requests (requesting_agency);
CREATE INDEX ix_requests_disclosing_agency ON requests (disclosing_agency);
CREATE INDEX ix_requests_status_due ON requests (status, due_at);
CREATE INDEX ix_requests_disposed_requesting_agency ON requests (requesting_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_received ON requests (received_at);
CREATE INDEX ix_decision_checkpoints_agency ON decision_checkpoints (agency);
CREATE INDEX ix_audit_events_ref ON audit_events (ref);
CREATE INDEX ix_seen_envelopes_expires ON seen_envelopes (expires);
CREATE INDEX ix_people_agency_id ON people (agency_id);
CREATE INDEX ix_agency_keys_agency_id ON agency_keys (agency_id);
CREATE INDEX ix_decision_records_decision ON decision_records (decision);
CREATE INDEX ix_decision_records_disclosing_agency ON decision_records (disclosing_agency);
CREATE INDEX ix_records_requesting ON decision_records (requesting_agency);
CREATE INDEX ix_subject_index_name_dob_tag ON subject_index (name_dob_tag);
CREATE INDEX ix_subject_index_name_tag ON subject_index (name_tag);
CREATE INDEX ix_subject_index_ref ON subject_index (ref);
CREATE INDEX ix_one_time_codes_ref ON one_time_codes (ref);
CREATE INDEX ix_person_keys_person_id ON person_keys (person_id);
CREATE TRIGGER decision_records_no_update
        BEFORE UPDATE ON decision_records WHEN NOT (OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL AND NEW.sealed_personal IS NULL AND NEW.id IS OLD.id AND NEW.ref IS OLD.ref AND NEW.recorded_at IS OLD.recorded_at AND NEW.decision IS OLD.decision AND NEW.requesting_agency IS OLD.requesting_agency AND NEW.disclosing_agency IS OLD.disclosing_agency AND NEW.urgency IS OLD.urgency AND NEW.due_at IS OLD.due_at AND NEW.decided_at IS OLD.decided_at AND NEW.envelope_id IS OLD.envelope_id AND NEW.envelope_sha256 IS OLD.envelope_sha256 AND NEW.chain_seq IS OLD.chain_seq AND NEW.prev_sha256 IS OLD.prev_sha256 AND NEW.record_sha256 IS OLD.record_sha256 AND NEW.public IS OLD.public AND NEW.personal_commitments IS OLD.personal_commitments)
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_records_no_delete
        BEFORE DELETE ON decision_records 
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_checkpoints_no_update
        BEFORE UPDATE ON decision_checkpoints 
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
CREATE TRIGGER decision_checkpoints_no_delete
        BEFORE DELETE ON decision_checkpoints 
        BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END;
COMMIT;
