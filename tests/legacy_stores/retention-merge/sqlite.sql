PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE agencies (
	id VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	approver_roles JSON NOT NULL, 
	dpo_email VARCHAR(200), 
	office_hours JSON NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO agencies VALUES('northshire-police','Northshire Police','POLICE','["Inspector","Chief Inspector","Superintendent","Chief Superintendent"]','dpo@police.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO agencies VALUES('northshire-council','Northshire County Council','COUNCIL','["Senior Manager","Head of Service","Director"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO agencies VALUES('northshire-hospitals','Northshire Hospitals NHS Trust','HEALTH','["Caldicott Guardian"]','dpo@hospitals.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO agencies VALUES('northshire-academy','Northshire Academy','SCHOOL','["Headteacher","Designated Safeguarding Lead"]','dpo@academy.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO agencies VALUES('northshire-homes','Northshire Homes','HOUSING','["Head of Housing","Tenancy Services Manager"]','dpo@homes.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO agencies VALUES('northshire-yjs','Northshire Youth Justice Service','YOUTH_JUSTICE','["Service Manager"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
INSERT INTO agencies VALUES('northshire-mash','Northshire Multi-Agency Safeguarding Hub','SAFEGUARDING_HUB','["MASH Manager"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}');
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
INSERT INTO requests VALUES('ISR-20261206-46UPMXEW','89aa5457-6fec-4ccf-9de9-67da1824d637','2026-12-06 17:12:26.493879','northshire-police','northshire-council','pc-ahmed','AMBER','2026-12-09 17:00:00.000000','DECIDED','{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}',X'0f42de2de8f0a841ca0a7d2842668782d5c99cd4e9fc8d5ecf7426703ddf256c53fced60af70f63e32cc7b63c26a0ca82ef46ed4b1185c136a949802',X'57622223ebe2c07e3d99ebd76cecc2cc40c72cecc5cec8dee023560f171859aa715813d8b6ad9c37df02addcc35105d06cba4f3681f1362df1869975a4e34cee7be7e25b6c414fc86725c5c9237025ccffecd45c761649154efc691e5a4252215b2fb72625ca9aad848e14a30d6e5f6d0292b9ddb272f0dd1856696eafe99ce008fecc53d938fff68d0cb6477d6745290fcd8c020e5ecfeb12fcdeb18f4d6396997d5b2bdb1284a62679f6d66194f3fc84c5f6d26b0a414b43d5362640d193d823ce9490f338f10b2be9d0197ca607a8c40f4bf23c7070a8e063acb48deaecf0d9ac9fde2880be32a1e4596f33a212699f2b8473467d8fdcc08a0dc08c68983ce3cb58e88efcd40449283f24ff8ed9492fae08d794475b746edd40c10565211e8d20e5c0b598d329a1ccc82fd6d369c5b82d20a4997e0a67b3489c4c30cd6f0be6b1448c63e1fad218ea48e06ab99a11bafc97277aa59c38058b201eb2d883dc08cdeeccc5614e62f29adf2b596dc79cfe091960db01b8c0eb3cc9342a65e8bc99dc4267a71fe6adfd36af040f26449e4125d987ecc7f3dd7ba8561f8e84522c239af172eba8ff826e2e1acd296ae3e7b773a83f6a9f98668e1325797f7410c1df0e7a5f6d4312d5efa161bbec033300af3abce68d018eb24934684bde194a36e133394f9e1eb3afb15c5ebda9b6bd7cd259e37ab9ebf32ad231efd286dbc82999eb9f887f390b507f7edbb77e290e9501375c85bcbdd50f03b0aede8d9d79c4e0d31e5161e90541ac10952627426068ffd333c531be972d7ed9acbbe677a6360fd8576d513f1e9548d31c90d2e2ae2fae4bc0782dd02fb51557cbcda8d20e4eb880be3272d5a34aaac42c4ebb017cba35b26b16cae13083efafbae7393750fa1a389756bf5e272c294fb81f38201c57d704130c9c9e04c6ccde2f0e5db7c7e3a006101e6c3ab31c20c59216d05b4270ae125e6421da8ac599b62e57c6b2c8e364aaf1284233212492fd9c7d09a87b0fc544789621b3886e4d70f7cd0538e4ccf6a5f48ed31a41d356ad4392ae292b762259c081afbf0c83cafd5f8d43f508a29fe3c8c15bc4dd928cf9763a976edcd98535db6a6d7eea490cd26661f31b649eb2e3dbceb8466b0da65e097d15df2dc326d014b30ac248b4f384dae26bf421229dfd93923f9edf376cdd67e1f844ccedde640ffed3e02000d07a150f2d9a102c3976edc3cbe210977496c51dbbaff25f860596bb91175eb9096f6269bd27260a2974b80746c02dd5c498ead86130ac1e38');
CREATE TABLE decision_chains (
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (agency)
);
INSERT INTO decision_chains VALUES('northshire-council',1,'f0a8d0289ab2b4345487d39eedebf5149a70d2a4c12c2ed29a45f998bee0ee0d','2026-12-06 17:12:26.990191');
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
INSERT INTO audit_events VALUES(1,'2026-12-06 17:12:26.494758','ISR-20261206-46UPMXEW','intake','pc-ahmed','request received','');
INSERT INTO audit_events VALUES(2,'2026-12-06 17:12:26.510690','ISR-20261206-46UPMXEW','intake',NULL,'step completed','');
INSERT INTO audit_events VALUES(3,'2026-12-06 17:12:26.931177','ISR-20261206-46UPMXEW','triage',NULL,'step completed','');
INSERT INTO audit_events VALUES(4,'2026-12-06 17:12:26.990199','ISR-20261206-46UPMXEW','record',NULL,'decision recorded: REFUSE','');
INSERT INTO audit_events VALUES(5,'2026-12-06 17:12:26.997599','ISR-20261206-46UPMXEW','outcome-notice',NULL,'step completed','');
INSERT INTO audit_events VALUES(6,'2026-12-06 17:12:27.051229','ISR-20261206-46UPMXEW',NULL,'pc-ahmed','notified','outcome via outbox');
INSERT INTO audit_events VALUES(7,'2026-12-06 17:12:27.082494','ISR-20261206-46UPMXEW','decision-artifact',NULL,'step completed','');
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
INSERT INTO people VALUES('nurse-lee','northshire-hospitals','Kim Lee','Safeguarding Nurse','kim.lee@hospitals.northshire.example');
INSERT INTO people VALUES('caldicott-rao','northshire-hospitals','Dr Priya Rao','Caldicott Guardian','priya.rao@hospitals.northshire.example');
INSERT INTO people VALUES('school-dsl','northshire-academy','Mark Evans','Designated Safeguarding Lead','mark.evans@academy.northshire.example');
INSERT INTO people VALUES('school-office','northshire-academy','Ruth Clarke','Data Manager','ruth.clarke@academy.northshire.example');
INSERT INTO people VALUES('school-head','northshire-academy','Helen Price','Headteacher','helen.price@academy.northshire.example');
INSERT INTO people VALUES('housing-officer','northshire-homes','Tom Baker','Housing Officer','tom.baker@homes.northshire.example');
INSERT INTO people VALUES('housing-manager','northshire-homes','Nia Jones','Tenancy Services Manager','nia.jones@homes.northshire.example');
INSERT INTO people VALUES('yjs-worker','northshire-yjs','Ben Carter','YJS Case Manager','ben.carter@yjs.northshire.example');
INSERT INTO people VALUES('yjs-manager','northshire-yjs','Ola Adeyemi','Service Manager','ola.adeyemi@yjs.northshire.example');
INSERT INTO people VALUES('mash-social-worker','northshire-mash','Sara Novak','MASH Social Worker','sara.novak@mash.northshire.example');
INSERT INTO people VALUES('mash-manager','northshire-mash','Liam Byrne','MASH Manager','liam.byrne@mash.northshire.example');
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
INSERT INTO agency_keys VALUES('c08962795f0cb7e70f48b6a609174765','northshire-police','x25519',X'0087506c7459b55fe516388213d263e418c1d8378bf4c997321d4564cef0f312','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('381529f677e51821021017aca1262664','northshire-police','ed25519',X'2fac98ed49ff7f88021716f66455b424e638447f3102265861fdeb44941b5249','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('dd236ca39734901f48db0ff96d1c0cc1','northshire-council','x25519',X'72029505f3fa969675d00908ee2a387b0e2fb2125fa0ab7637e06bfa956cd25e','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('51938a0f925c4811fd6430a8805a8ddb','northshire-council','ed25519',X'e61bb8938f575fb928a40dfc82521a81924d226d48b99f2332623ed6dc88a0b0','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('2a181da0cac5e4707247d8a68ff245ac','northshire-hospitals','x25519',X'321ce087320360e725f8a3b1e29a8be703d2853303986474c22efa4a63bd3d06','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('e7a0b353f3c03c18e8fa43701ccae556','northshire-hospitals','ed25519',X'ddb3af4a25757ecfb5f7f3519fd9c4183fb6f0d1d55d4fcd1fdf8161a142d00b','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('7b2c5c5e4e6a1a0dfa82eaa95e5e9584','northshire-academy','x25519',X'761a12a96ef4b004330820bd66c4dea9eebc6b2622b0b27bee448e4e15c30d7e','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('f200881087b582bf67a1c054527f3b3b','northshire-academy','ed25519',X'978063b0a6987ed92d74e6c9607ae905db56edfe461572d6b94d4f6d967ac857','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('547f4e91018aeaeed9526a2455a88ef3','northshire-homes','x25519',X'8445f9bb6cd82811f87713ce5d24ded706ec4293f1143bbb865d110c93549372','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('8146e9ac013a12843d0b5952c3d92a08','northshire-homes','ed25519',X'95a7466c9658a73f86d79e9a9628862ee9064bb3a9c2c8d95477679947153df4','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('fde34e14f6953ca3938797c65b537179','northshire-yjs','x25519',X'd7481edb3df3ecb475e46ea100bffd1ff0fca01c5f23f427237208966262c14c','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('bdf8fe6055a61a151ad02b3f1fed6e5a','northshire-yjs','ed25519',X'5fe13bc015f27dddb3ce9925f04b54890c62b3e8f5df00352aab25a79a19910b','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('51f9989b8337d746adb5f5be8690d5a2','northshire-mash','x25519',X'a2187af76a48f0cfa959fce989a765c82e65bdf70f2ffc0923f21807c2edaf08','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
INSERT INTO agency_keys VALUES('75a939611d1c7d3c59b87c31e49ecbeb','northshire-mash','ed25519',X'1389f7514f5fe3f6e2f8682c5891c19fa2401f3bc5445ba20974f891567e31c2','2026-12-06 17:06:21.976957','2028-12-05 17:11:21.976957');
CREATE TABLE request_steps (
	ref VARCHAR(40) NOT NULL, 
	step VARCHAR(32) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	actor_id VARCHAR(64), 
	updated_at DATETIME NOT NULL, 
	public JSON NOT NULL, 
	sealed BLOB, 
	PRIMARY KEY (ref, step), 
	FOREIGN KEY(ref) REFERENCES requests (ref)
);
INSERT INTO request_steps VALUES('ISR-20261206-46UPMXEW','intake','DONE',0,NULL,'2026-12-06 17:12:26.510594','{"prefect_parameters_redacted":true}',X'2ecb1f12a702a464d0f9cf84768d9997fa5581e33541fcac66f40c3188c7');
INSERT INTO request_steps VALUES('ISR-20261206-46UPMXEW','triage','DONE',0,NULL,'2026-12-06 17:12:26.931075','{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}',X'72e76744ebe1a9fbf1073cb2b52b11ecd66675be36b3fd4ad41f7a438b1f');
INSERT INTO request_steps VALUES('ISR-20261206-46UPMXEW','outcome-notice','DONE',0,NULL,'2026-12-06 17:12:26.997553','{}',X'0bfc930d9687d495929958f21edad0fbc02dc4c38ef8dde26cc8710c7d1e');
INSERT INTO request_steps VALUES('ISR-20261206-46UPMXEW','decision-artifact','DONE',0,NULL,'2026-12-06 17:12:27.082407','{}',X'2fa15bf3f3858ff05cefbc482e850f67e875fd9cd8b9bb26968a75492c38');
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
INSERT INTO decision_records VALUES(1,'ISR-20261206-46UPMXEW','2026-12-06 17:12:26.985900','REFUSE','northshire-police','northshire-council','AMBER','2026-12-09 17:00:00.000000','2026-12-06 17:12:26.985900',NULL,NULL,1,'0000000000000000000000000000000000000000000000000000000000000000','f0a8d0289ab2b4345487d39eedebf5149a70d2a4c12c2ed29a45f998bee0ee0d','{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:12:26.985900+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:12:26.493879+00:00","reference":"ISR-20261206-46UPMXEW","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-04","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}','{"consent_reason":"ef4fa04071f4c2a82f26265c78121a26878f480d53a8e5244982fed82a3f6320","consequence_if_not_shared":"a086d8ac86dd62de34099cc3a29cdfe4196c33cd6b5ed37b7eb13eb333f18836","naming_offence_would_prejudice":"5ee847598d81c113ea0d2d70c5ae19877cdb81fe776a5d48e43d4b9686973308","necessity":"44ca4d0c22fa3eda5deea9993c867e4bcb13a384680d264cde5516f22c5069ee","offence_or_risk":"803a2947f2d40699d0176a32dea28b66c25f7d9b9d24df45d936902df120464b","subjects":"aef751d473c0a89ad7cc496a40dd5c10b093321415a88b818322ac6008d187e1","third_parties":"30428dd25260f147097ddf0db26ec686613a525c1595a4c533925a6521c3b334"}',X'd471fe09d8d99a25a9ad7d1e1ea43858d6200efe7f3cf256fb3f7ccda47ad149aace959166d737dbbda0bfd2bc0f1208e9175e2894cd6e3ff8d67c5bd595726a621a14b9bc1914bdd8358aa54cb0472c71268106b437b259e3c7339f63d27c93c9c3e7c89e996cead976a36e87fa6985c3f816dcb053ab252ac048641e3f4c1852f0857929190dd29212c36f6b3542e45a43c3b260a35b24b772bc731790a57f24b97e8d7b793b1b9d37251295ae345ed516bda2fb3541e1067c075d7558a6de186195644ef5fc169e0d963fa912571453b7ad200ae3e372591d85f098cbd735af8baf6864d3e07cc350e2c129b0736629a219a6200edd7fa15bf62816647864240250b9c24061f0a6403a021c38e1bde1a34a5cc7b30ce743b516832c49264a80a2c3f4daa00600aa38b4d880896c35f76ab8551282dd3f6cea127a21da2bc375e8b7ea203728f23cd6218f9cc6b6f88b405600e9967be1c786ec145c23ffd1953a5f06203ba6c0de532eea0ade977912ba80ed2ba52ec72898608e05297cc676ee6218f3359d45225d82cab0d9c51e6aaf43139f139bdb808d20acc9350ff9a88923d0bc14b2073296a4356fa2a10ded0ea72d737ffcab315b9c901f4662fc3e0c3622e6bf1e50ba8699905acacf9b3f599424716ff57466f652e90d0b2be3d9c7a6353dc3aef9535885449ee3578584b644333e1181c4812a23233f3b407b60fe4443fa8d202e4344d5564aa51d19cb4357088ada382dcb828b640de025e4f72cb2d4a972063665d8eb2b4d256dacbe31c67804f8e5c8ba51944054612f95367af3da7e63d70a344d38c5f347d5be3dd65a0de24c5e545f883b6595f82b38ca4eb6cc7e7257fff0bd92745d5ef6f9be0a67b477e91edd82e09920f5265c15acc5fb664aa2cb07e2d3021bd6d0eb69c3eae44b3f2609e5124d45bfcb77e47e6af771809558debf66fa1b5abda606ec2be2d3decca45ec86ddbe3d856a6911132bdb3c91cfdaadd28467ea44e3c318cab43105b7b59d6ebf2f549914220f9ee7f64e57d40bdbcd8a02267172126ab3d722917098f52bc8e7cec60fc9a1f6e67775ddb2c6635528af49c671a1475a25833d48353eb2067572b7d0bb4febc449403481693f1277e676744e0ce35044265f9bfde34c715daf685f884a3ac631b1b62331891f779968ce904f33d1e31760b6636',NULL);
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
INSERT INTO subject_index VALUES(1,'ISR-20261206-46UPMXEW','northshire-council','northshire-police','eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e','17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
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
CREATE INDEX ix_requests_disposed_requesting_agency ON requests (requesting_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_disposed_disclosing_agency ON requests (disclosing_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_requesting_agency ON requests (requesting_agency);
CREATE INDEX ix_requests_status_due ON requests (status, due_at);
CREATE INDEX ix_requests_disclosing_agency ON requests (disclosing_agency);
CREATE INDEX ix_requests_received ON requests (received_at);
CREATE INDEX ix_decision_checkpoints_agency ON decision_checkpoints (agency);
CREATE INDEX ix_audit_events_ref ON audit_events (ref);
CREATE INDEX ix_seen_envelopes_expires ON seen_envelopes (expires);
CREATE INDEX ix_people_agency_id ON people (agency_id);
CREATE INDEX ix_agency_keys_agency_id ON agency_keys (agency_id);
CREATE INDEX ix_decision_records_decision ON decision_records (decision);
CREATE INDEX ix_records_requesting ON decision_records (requesting_agency);
CREATE INDEX ix_decision_records_disclosing_agency ON decision_records (disclosing_agency);
CREATE INDEX ix_subject_index_ref ON subject_index (ref);
CREATE INDEX ix_subject_index_name_dob_tag ON subject_index (name_dob_tag);
CREATE INDEX ix_subject_index_name_tag ON subject_index (name_tag);
CREATE INDEX ix_one_time_codes_ref ON one_time_codes (ref);
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
