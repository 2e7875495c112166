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
INSERT INTO requests VALUES('ISR-20261206-XQMB64T2','12694f5d-6422-41f8-9f73-1dcd9f1a0508','2026-12-06 17:37:09.114489','northshire-police','northshire-council','pc-ahmed','AMBER','2026-12-09 17:00:00.000000','DECIDED','{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","risk_to_life":false,"sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}',X'21e7b3b62bfd09ab6ffa70e144cf70191db9c1dc7f2aa50d6fc98195c01aaab2db59d7a8c989abecfbec5fbb9b5e7468b287218e2a7c32a54f9f459a',X'3cb7b0097c6dddf1a2b0a9733473bd4392e71693b08d4d97aa5db21dce6f400d87d7890f5d3607ec0c23178480cc0adca56d93ce3e1005eed892e65d307d640db66adfd5b6514dd1f194756f4ecfc135a44b7719bd095d29cfb6925bb9dfd91cb84dd3c4cd999af330e18b7bb2c7cee027e4adc3ccd85e62f1364bd98fc311cbf9e73878a333b3197a396a4041ea2adab425afe6eaf3212c439bb8f129ad7269f3f5c4b5a70aafd6503c5eba22125184fa629041a68d12a94a8153462d80d77e6fe5a0c4fda3b4c0e88db28203c898f36c41ce49919d2d3d0b9f5a1d87bc3c7e2c757b48290a68d91c98f0990f20a43dd5ee6cd7fd96e6bb21f79a430466e1e014c5ffee5bb14b97f431c407ea5918211098cde7b83a4479f3945ec6597d5a440e4a10b5acb871762549df8b0cc0b62e73424a3a3e4ec5ea1222172fed53f1d64d480443d716f064f997e1bd0fea95f7ba9d756bb0302ae14a15dbc2d969f51b3bdf267f672a2ed0c99da0b98c6b97ac1aff041cd0d3e4611747070e3e898d6a5ce348bdb33038fb33d4766b684ecebe9b70777f3813bfa89f411c6fb6a0a3a313417770edfd400de259af100bcf361733b6fa9e0e8eb08496f14f8e5796308bf6e8a80153f28b15f5a26234b5343cdbc07f903d3922572ab88813246c9c8a6c14c1812bc2965084b901c960881249931f17adc8cf32bd418f9390efff04e0a50103fc46b2f049a57c783bb0ed8f41e3526ec8b51d5a560059b45c3132870b100c9305816a2d2b4bd75b29fff6b521b0524b5619c1d05f528539ba1eb2dbe4599954f056637826998941a87ae46d952f7f346f514a731156a07df81863dd2f9e1abc6964aff550ff2aede168e8e763e85d13a4502473a821cb3d466e35011a8c763dc5a0ee6cb0b8bc4b181ac745218d9010bee3e4f39c192f6f0ea79e0979ed624f79087cef922053a072be61889bd0b32a5671f7d044650fd1c129c270e697bab88cb90b6e39b9089f17ace34ebb556ab702fa49a010f815048c1b2dc7587627283cbf75646eb8e643a2bbea70c61f741b25d4f0f8127b80b948618765a4a1ad13b1816da22fdca92bed250b51857805e757d5251b4bc0177cd8469d0ccd718ad26799507455473620f4376128916c2e93a4f34fe1c00bdd5e53e2267e3baf873c3499cb9d178e5e2236bfe60b30991287c2cac0f3f61e82035923fb5e59321ff33c4a92ea26254223e994d483757bdfc52ace6ac1fe0205e44363461dabcac33ad8d0511e4a62d2c9e824221109f1abd136fb20f6ac959662130ec95bb7a1592138589754');
CREATE TABLE decision_chains (
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (agency)
);
INSERT INTO decision_chains VALUES('northshire-council',1,'c3eb310ee2aae24528acd7617b03a144684dac3960c544824a403db9ce2bcebc','2026-12-06 17:37:11.477578');
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
INSERT INTO audit_events VALUES(1,'2026-12-06 17:37:09.115279','ISR-20261206-XQMB64T2','intake','pc-ahmed','request received','');
INSERT INTO audit_events VALUES(2,'2026-12-06 17:37:09.179945','ISR-20261206-XQMB64T2','intake',NULL,'step completed','');
INSERT INTO audit_events VALUES(3,'2026-12-06 17:37:11.305477','ISR-20261206-XQMB64T2','triage',NULL,'step completed','');
INSERT INTO audit_events VALUES(4,'2026-12-06 17:37:11.477571','ISR-20261206-XQMB64T2','record',NULL,'decision recorded: REFUSE','');
INSERT INTO audit_events VALUES(5,'2026-12-06 17:37:11.523717','ISR-20261206-XQMB64T2','outcome-notice',NULL,'step completed','');
INSERT INTO audit_events VALUES(6,'2026-12-06 17:37:11.637520','ISR-20261206-XQMB64T2',NULL,'pc-ahmed','notified','outcome via outbox');
INSERT INTO audit_events VALUES(7,'2026-12-06 17:37:11.708858','ISR-20261206-XQMB64T2','decision-artifact',NULL,'step completed','');
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
INSERT INTO agency_keys VALUES('9a785a30c652206c0234e35c8f11dc9c','northshire-police','x25519',X'7056cd09aaf465f1bfb7a04194e25e0771aea5c13c0247d60ec50c90e7b80c27','2026-12-06 17:29:30.357387','2028-12-05 17:34:30.357387');
INSERT INTO agency_keys VALUES('75124607f0efd0bef8379a82b348bc16','northshire-police','ed25519',X'e323f436dfd55173f0addb9aab2cd1fb750faa13a1b1aa148762f00e81701db3','2026-12-06 17:29:30.357387','2028-12-05 17:34:30.357387');
INSERT INTO agency_keys VALUES('a3c9fe8f85368115a8c67044b7352200','northshire-council','x25519',X'c399ab7e68d940147e5b02c11447b51d368063bbd6931fede6abd9bf82edc87b','2026-12-06 17:29:30.757940','2028-12-05 17:34:30.757940');
INSERT INTO agency_keys VALUES('bd0ebeb7cd9b09a8ae20fd10c75a5269','northshire-council','ed25519',X'55b171de24b28660f963a14c3aa83b6e236c03aff93a5f796ba5ee96314bc2b9','2026-12-06 17:29:30.757940','2028-12-05 17:34:30.757940');
INSERT INTO agency_keys VALUES('a6e5be3e067f1d9975079c2fdfed84fb','northshire-hospitals','x25519',X'fc615aa5d25c9cfbafb732b314bff39b7b9e723de606b35bc26feb777ed51836','2026-12-06 17:29:30.820641','2028-12-05 17:34:30.820641');
INSERT INTO agency_keys VALUES('b3d85e09a49da5665f256d0611e919df','northshire-hospitals','ed25519',X'449c380a68619815f9f25b87aea4f722a36ab68f83c4c1151e6a840c76958350','2026-12-06 17:29:30.820641','2028-12-05 17:34:30.820641');
INSERT INTO agency_keys VALUES('13102f0c99819df062364a356f646b9e','northshire-academy','x25519',X'bb4d236109f0fbc8a727dd6fff9227c2cb07539a37ba154021fb965582062b5c','2026-12-06 17:29:30.852914','2028-12-05 17:34:30.852914');
INSERT INTO agency_keys VALUES('c33e6ae9056f1e321e04b409dcdbe514','northshire-academy','ed25519',X'7a07d66ba12f5d0637d0acb1f4b2bf2ab2184dac43395f5e6b8cb66e62ae25d2','2026-12-06 17:29:30.852914','2028-12-05 17:34:30.852914');
INSERT INTO agency_keys VALUES('73f182ee455a294d566a985a0ca41390','northshire-homes','x25519',X'b007526a07932a8aac94aa4c5184799911ce501c1f3680ea8e455e10995e2235','2026-12-06 17:29:30.889478','2028-12-05 17:34:30.889478');
INSERT INTO agency_keys VALUES('639e72941ca3df210f4dbc71d6e59119','northshire-homes','ed25519',X'7ce3b71395fbdc43b5f5fc671bdc9d1d95dfb2691fb2e6f803a30837c54839fa','2026-12-06 17:29:30.889478','2028-12-05 17:34:30.889478');
INSERT INTO agency_keys VALUES('85a65388e244a7d9f0849b4c3e0c2969','northshire-yjs','x25519',X'a2e0d3c8dd16e2edba6f2575eea40159d2020f1c32813decdeaa7858d6a62d1f','2026-12-06 17:29:30.933954','2028-12-05 17:34:30.933954');
INSERT INTO agency_keys VALUES('fbb4e27395de45bd0ccb84e2c93aba83','northshire-yjs','ed25519',X'0f2d14c417c1429a0617714d861c0b20b9119d3588d698dce487cd48f8875bc9','2026-12-06 17:29:30.933954','2028-12-05 17:34:30.933954');
INSERT INTO agency_keys VALUES('26954721873b9b7b8595f49c00622ad0','northshire-mash','x25519',X'262e8341d95ed912cb417ce9ae3a12b4872f293d994b63af9c72b39998419c4b','2026-12-06 17:29:30.976369','2028-12-05 17:34:30.976369');
INSERT INTO agency_keys VALUES('14f10a3959839edb39603e01936aa8a8','northshire-mash','ed25519',X'f73863dc8d39fe4256e26f78373aa600a6226f4969b173d64eab82cf1b79a1c1','2026-12-06 17:29:30.976369','2028-12-05 17:34:30.976369');
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
INSERT INTO request_steps VALUES('ISR-20261206-XQMB64T2','intake','DONE',0,NULL,'2026-12-06 17:37:09.179852','{"prefect_parameters_redacted":true}',X'a3211111e24e0c371a0453b9ad9d12d6939d01cb0f32a7f0d1fef720b386',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-XQMB64T2','triage','DONE',0,NULL,'2026-12-06 17:37:11.305370','{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","emergency":false,"isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}',X'3e853c4f13b9e8eff29ccbae760506f56e2a9b10a99752a91b31b8edb2d4',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-XQMB64T2','outcome-notice','DONE',0,NULL,'2026-12-06 17:37:11.523650','{}',X'afe3e880e81839e61e7266592d87814080447d38c2594d30ee3818d7ee53',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-XQMB64T2','decision-artifact','DONE',0,NULL,'2026-12-06 17:37:11.708757','{}',X'0d433d79b652a120e1e3fa8267b7517c3e9a60bfa1f392ae194c61361fda',NULL,NULL);
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
INSERT INTO decision_records VALUES(1,'ISR-20261206-XQMB64T2','2026-12-06 17:37:11.442971','REFUSE','northshire-police','northshire-council','AMBER','2026-12-09 17:00:00.000000','2026-12-06 17:37:11.442971',NULL,NULL,1,'0000000000000000000000000000000000000000000000000000000000000000','c3eb310ee2aae24528acd7617b03a144684dac3960c544824a403db9ce2bcebc','{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:37:11.442971+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:37:09.114489+00:00","reference":"ISR-20261206-XQMB64T2","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-06","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}','{"consent_reason":"8c7dd7a9e631559bf7db4e176465e8d21f55c0c9289546482080e6cd131d61b5","consequence_if_not_shared":"9f364f6c96b5618d9ac0955834252ebc4bf1bf82faf5c9cc673184c589b2f775","naming_offence_would_prejudice":"f5d5cf1fd7d60c4f6ab6d4ab7b0e628d38933a7319fa5e75551830eba699df93","necessity":"3bced55c784d064a4ed994b734af669a35b8645b33e397222395d6ab850cda87","offence_or_risk":"5541d7b7bae0c79b8096fbc36ea9ccd9e9be3bc06dd75af16049ab7ba284c0e0","subjects":"cb17da394f3cbe90c5cadebec1667f0d600efea3ab458cc812cbd0a7816f4c29","third_parties":"b5157aa62e6eabc229579223077c9a7d69439c9ee8e1460aecd5d835794fe746"}',X'e6b009511cac13e10d39b93d33f5b4bd253dc902d0643e3e44ddb5cc090dc8ec1c7310804fe7e21de2904d0c0788c2d99da9d1f4f53fd29efb15520e30643b3dcecd8f9aef2047ba5f402f39b1867b3c5807c88e2af5c6b4d52a877dc3a02e5e3f6fae9cc0bb376db08edfc8164aae2501909bdfda5d430c64439379300a266bbe3b8bc4809731a3b370cbfd40dbb9083857074608420dc3eb937d2902c6e613aa0cd446636c6eefd5527a29a6c53d6799847a87fda0004c37144d6487ae93f3fadc174ba230a4e1460618dc593101cffb5d9e29b96e2014385135d04aa78bab9c829162c54f63f40e70864cb88bb9abfcbff5a2ac2d6a2e564285d901a7455798848428fff5756c53fe79f1179656e1ebdb149108b671de9910be862b9915171133ebfd2ce4ad8322ba63910a76df50e5731e3abd8698fedb31857910a19621294d331277263d8033e179070c187bf805ffe73ec8b902e10586f9507757add5ab28f0b8a75ffab691e30f58d1eeddafe61485570649802d789ae721078e0cd4309c9f299c1d7c8480c2dd70defd4789b49d5582606503716818b4eab6d1def89544e502599aa22d6f7c6bc1aeb6f8f8d84902a6094353b62db15939701139e3449a91591b401d8bceab944979cff3c960d87f4c9c8239dc0cbbfd38296ecb355023aa1ba0669dfaebdee264304cd75e9f3d142d8adb4939408833968da3f1b74bcd857a7f760b3fce029e1107b28f3ef524413e23b1b4cdd72d376a7c4bec4456119a5868803e620802461078730aced5110ab18fbf36f9b5947ee8b21d5a588144705f3ad628e8f6158bee84a4da30e51b7b434e43eb62d4d39b1b0ce6ddbb648e99d5f83d63e5e24ed24a9ef29cd361bf7a7e9aac1833b4b605fce9bf8982b5ff5ccaecfc7d916e8d4b0ed41daded4fd0e1d3f3e62c7c034d15d765f61aa606632f28655fb0e70b4757e3644d73b3c8e2bc4de0d3052028679ccf18497e18b47554c478f48138c222d1e02c5c7445849fd50190883f3beebf1a582b166e08d915ba50768adcb5a654381cf5f29b1dcd229fbb13fcc7fa7b6a38666f72026fb07fb81a6ace2c6b89363067020d1afbf85f878ebc104215540df834bfe29d2cfbc9b5d563e3f87124e0b3aca4408319bbfc69bab4bdad8e72b4bc1598185126fadb07af2ccd452d8b77102d4e8b69c32d64',NULL);
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
INSERT INTO subject_index VALUES(1,'ISR-20261206-XQMB64T2','northshire-council','northshire-police','eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e','17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
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
CREATE INDEX ix_requests_requesting_agency ON requests (requesting_agency);
CREATE INDEX ix_requests_received_covering ON requests (received_at, ref, urgency, disclosing_agency, due_at);
CREATE INDEX ix_requests_disposed_disclosing_agency ON requests (disclosing_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_status_due ON requests (status, due_at);
CREATE INDEX ix_requests_disclosing_agency ON requests (disclosing_agency);
CREATE INDEX ix_requests_disposed_requesting_agency ON requests (requesting_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_decision_checkpoints_agency ON decision_checkpoints (agency);
CREATE INDEX ix_audit_events_ref ON audit_events (ref);
CREATE INDEX ix_seen_envelopes_expires ON seen_envelopes (expires);
CREATE INDEX ix_people_agency_id ON people (agency_id);
CREATE INDEX ix_agency_keys_agency_id ON agency_keys (agency_id);
CREATE INDEX ix_decision_records_decision ON decision_records (decision);
CREATE INDEX ix_records_requesting ON decision_records (requesting_agency);
CREATE INDEX ix_records_ref_outcome ON decision_records (ref, decision, decided_at);
CREATE INDEX ix_decision_records_disclosing_agency ON decision_records (disclosing_agency);
CREATE INDEX ix_decision_chain_floors_agency ON decision_chain_floors (agency);
CREATE INDEX ix_subject_index_name_tag ON subject_index (name_tag);
CREATE INDEX ix_subject_index_ref ON subject_index (ref);
CREATE INDEX ix_subject_index_name_dob_tag ON subject_index (name_dob_tag);
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
