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
INSERT INTO requests VALUES('ISR-20261206-69GWFK22','8591e922-1ef1-4a42-bb79-74d4d1e13531','2026-12-06 17:16:16.355349','northshire-police','northshire-council','pc-ahmed','AMBER','2026-12-09 17:00:00.000000','DECIDED','{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}',X'868dadcc10de41d135aa99dca54ace294fa425224d0892536dd47051b11f4b5530e5f75ec51be5d69e19535ab065a5459d29994435e2413f5ba4af5b',X'16b593df47c75f65110b90a057b2bb2838a18c2b9450ff5a4233ee9624559e86ffdb62829dd2a6125d0237b7bc55a2dfe5c3cb8279be9ccd8ca6fe41d63f75dc95e4bd0317f52dc690e3c066e85f85e2aac978cb88836c6298cc2206e6fbfb47d45c918b6a9620241a406ed1bcc16b7cf20889f5f23155e016f967fb332a7fbb34eb45ad6a5e298f0150612a7e7d20413a149f1eee93f06115b2b2ab9df2505e2c0a035c50935e0603bf151447aea3af6c81ab82cbc22c2a3ffdd96045dd3eb175500c65564a616091b75a559a22239930ea4b0180587e2c548d9f2682c57fb06f51859599bbaff61ff0ab29700453d95976d249a040357767f0415f6ce201e0756328fd1d65dc80272ef761d71956e508cf91fbb3a6b1dd22298518773bc72a0bc29a4971a93179d1e4bf3b249c0d91bc963355483099acc531c99f748f2995c709f378315f4d8e5bce0cacf8d5aa3c226d537ec8641c2f8bb44c1c663e6459694a2d651edcfeef2919f3cf123b35b24ab7e3e4b2e218d1dd6dd7fbcc4e5960ceb18df8b851a92232458d3df89d1362e294ff4616b9dec58363693d892e8ad622dfb4cae7e985a0d1da0bb08b12d382dc155762e826da3fd7211fbee7621a8d9f4fdd5237ca09bb234d8fd52dfc301ad04eb351bb9b86292bb4d9c1b30c2669e86be883d13ff66e25945414bd8b0a7a9d4b739e32a3089b25843f39d2bb9eed7ce2f4aa6f7e4e741c78bba8f38ad68b8a8afd3d7320326a575e097e1a6b23ef786e1aee5862240b589818b7e821ba219441e74953c18110b7c194d53bf208fbdedec677eaab3dab7f161d1a07ca5938b3543d18cbc4c3a8f4a42bb374f68479ab070a21f256cf28e7c697bd8eb40226c61dee6571551dca12ffa4d12e07353c21e6ac0cb77fccc434af3309e569124d4bec6ea6e722b3b827b2a8aa2a27d47da61b7737b7c91e6c4c1c7f2118d3adc53354bd57b832fe9d2ab4eb9eebb8226ecaa8e41416a5329b08a5a9ddc70c99645dfba89b539658994f722624351212c24614979f80aa9b09309b0637766f83b0f7372d9ab57aa985504a2d1c5f3325b1cd68dab5c05ded2174561d15d583eea0795b503c0c38e16a4af1dc76846a3f539d4f96815c734077423256d62c428b2b69157337f86db66bc55f3de1da18c0d9cc573ce85b02a06896f78f3d4277f505a36f22b34dcfc9617fd6ee79a242c79e9a3e06986ccce2367babbc5258e48ac5c91f77346b3bb3097f895c669db914e56c292ce0feafa8116c3afe50726e8c3c40');
CREATE TABLE decision_chains (
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (agency)
);
INSERT INTO decision_chains VALUES('northshire-council',1,'231ed6622152d1823bb5e33dde23340fe892a5ec6c6ae2adca22b50e0c393323','2026-12-06 17:16:17.310303');
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
INSERT INTO audit_events VALUES(1,'2026-12-06 17:16:16.356370','ISR-20261206-69GWFK22','intake','pc-ahmed','request received','');
INSERT INTO audit_events VALUES(2,'2026-12-06 17:16:16.430665','ISR-20261206-69GWFK22','intake',NULL,'step completed','');
INSERT INTO audit_events VALUES(3,'2026-12-06 17:16:17.257389','ISR-20261206-69GWFK22','triage',NULL,'step completed','');
INSERT INTO audit_events VALUES(4,'2026-12-06 17:16:17.310317','ISR-20261206-69GWFK22','record',NULL,'decision recorded: REFUSE','');
INSERT INTO audit_events VALUES(5,'2026-12-06 17:16:17.330159','ISR-20261206-69GWFK22','outcome-notice',NULL,'step completed','');
INSERT INTO audit_events VALUES(6,'2026-12-06 17:16:17.420890','ISR-20261206-69GWFK22',NULL,'pc-ahmed','notified','outcome via outbox');
INSERT INTO audit_events VALUES(7,'2026-12-06 17:16:17.472883','ISR-20261206-69GWFK22','decision-artifact',NULL,'step completed','');
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
INSERT INTO agency_keys VALUES('63f343a56307aa42f186e1be1cff77ce','northshire-police','x25519',X'663ec98471d99c86186fd37101af5b4ce7cc64cea2edcf6028031879e56b476e','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('a2cb56bff3d23666656be16b45762e37','northshire-police','ed25519',X'378cfded5266c6b1b4a7cb045b17461cd0916d302b04cc65f5aab719657df297','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('6b258d140a6979968f0a36baf83189f2','northshire-council','x25519',X'ed9418e68d850af8f4b490da6e8333811361e11bb34245997578e8f4c88c9543','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('71b87f822744c12b8f7bf80b3c15babb','northshire-council','ed25519',X'e6c4c24f10ee2aced417cf6a30b0ddc828c63fbf5de71bdc804a4f73db66aa6d','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('4eda92de60882723e8950b5474eb83f3','northshire-hospitals','x25519',X'30f4806390e94ec76095052eb8110ad8a670915771a0a3c552bbc0913d8a1724','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('c16aa081910c8fe5a4b2df0976e57d46','northshire-hospitals','ed25519',X'54b8eab45d8d54b41a27c86abd122479c374958b39f74bff398e1445fba28378','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('36ee95ea17f490507c2c4b1cbccbbf0f','northshire-academy','x25519',X'b54dff36bd748f056972864c20f3809b2be93868ddca04cf97c8c8f5ad843477','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('895283a3f803b39fec4dad90d13928a7','northshire-academy','ed25519',X'b4c35fd3b8ee93ae187e647122b41d59e587c830b92f74a1aed65b66569d0833','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('357a6053de5f8420e575e078de1867cf','northshire-homes','x25519',X'18603c05530129b181b33bfa733421124f9994760105c0021467ea37203e4c70','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('e29e723f59d532ec0452a84efda2a9f4','northshire-homes','ed25519',X'd4f0ef2900ec8f948dc4759201ad35aa2a6810a72d11fd3b9288a9e0393f3e34','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('951643e5de30a4290d73cba046c7e291','northshire-yjs','x25519',X'2d9bee4b10f0ca70f4582e11b158f81380f4b4af00ea2688126f39b70712bf23','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('e34aa4c44c5fa6bd229801958aa52ae4','northshire-yjs','ed25519',X'13bc1aaf7ee8a17c431cec189c22b666299dffe84e585fda546cb534d55773c3','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('b2be5d083e48066c2776b004022bd3ed','northshire-mash','x25519',X'31fd415268f05ec7c8d61963ff306a965109863627915da31e464944defa615b','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
INSERT INTO agency_keys VALUES('2c37be8494413a7b0e34c4619101dadb','northshire-mash','ed25519',X'62f2b3a7618c5215d6501eaea9ef6218175b27e8b903abb9e261404a8b7b33df','2026-12-06 17:09:45.400673','2028-12-05 17:14:45.400673');
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
INSERT INTO request_steps VALUES('ISR-20261206-69GWFK22','intake','DONE',0,NULL,'2026-12-06 17:16:16.430558','{"prefect_parameters_redacted":true}',X'2651a81928abf5c85d777bbabfe61ac739f0cb4c3f7715b8b2937d6205da');
INSERT INTO request_steps VALUES('ISR-20261206-69GWFK22','triage','DONE',0,NULL,'2026-12-06 17:16:17.257256','{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}',X'55bf892c46cc32dbe3a38bfc885bbd3e793fd35cb49eb4d80b42a62b587a');
INSERT INTO request_steps VALUES('ISR-20261206-69GWFK22','outcome-notice','DONE',0,NULL,'2026-12-06 17:16:17.330109','{}',X'0fa205a04f659f34eeb36120c0a2fd280c2e5880bb2a3bb7937caaa0fd3d');
INSERT INTO request_steps VALUES('ISR-20261206-69GWFK22','decision-artifact','DONE',0,NULL,'2026-12-06 17:16:17.472720','{}',X'c2faaeb8515dca52496f1555c6cc864b4fff6b8a55de2b8be14fcd13dc0a');
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
INSERT INTO decision_records VALUES(1,'ISR-20261206-69GWFK22','2026-12-06 17:16:17.297424','REFUSE','northshire-police','northshire-council','AMBER','2026-12-09 17:00:00.000000','2026-12-06 17:16:17.297424',NULL,NULL,1,'0000000000000000000000000000000000000000000000000000000000000000','231ed6622152d1823bb5e33dde23340fe892a5ec6c6ae2adca22b50e0c393323','{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:16:17.297424+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:16:16.355349+00:00","reference":"ISR-20261206-69GWFK22","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-04","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}','{"consent_reason":"f04995017b850f7c2a4b07806346f8d6c6cf780124ce3c0a855b84025f8182a7","consequence_if_not_shared":"584cba33fdf5dcf36ba90d6e0a6e898bdcae557ba2a06b39538e2112200aac7f","naming_offence_would_prejudice":"c92d877682f7e2257282401a789f1d490a03d9d81138060a79a20540e6de1d2a","necessity":"70cc6d20caa3304125efafd3cdcdead167e24c0258af8d2edd893251f947c48a","offence_or_risk":"1c7d25dc8ef8a62e4c2d84f52b01eb420a40dee4736f7a19519c15562d6d67e0","subjects":"441d04e6edea6808dd749a46f10b18c6eba2ea1ddc436e9f8d32377f06fecc4c","third_parties":"88dcef0aa1f9fd7398186286d3e01d610106060fcb5e8445ea05ec5c023284b0"}',X'f772d3250aa0d97d02d1b945cb15acf274e5747cf3137a41d61c4f9b13af72c22acc7428c8a8c6e521a3802a9056350902b0f0ac06c4801cd3c4d60e74b34fe3a5a7c701ab3d85b7c1962406d1a80574beeef12ca4e2a815b60f4391a07679ad216aa0dd6262a2d98fcb11505e596ae048cbf01b75e37a76dca7145d2fb7bb9b6f5fd7d8925223b3e758ec1979227635eda08ca064006bbee92b0026696dc63e371bec107a2b104858b2bd9a3924e2f8c8c97e7ad6570b7881eb0b42da01b76a41d3452c14dee856c7cd8f4e55afe00c5fd06bd5029b7a6a185d9901da6683ef7af7b9d55c28808a05af24c7a2d3c82c09ae7d520927655730f05092f6794ff95441dd35dd65816fe7acba29589d2599a6d5f1df9d8fb779867bdb8d6ca785ec24affc1c6ab0c02150d3c144b3bc6f7070545f3d748772e226040548f8f6c0ee00c02d1550ee545ebaa2426dbbbfba310d4bcf0e963c73570b0537e5010b10dcf0ecfc5de6c0dcb25e0d9ea4e02df0c89f7e8f2fc34f65119b5c270c36857d71ec00d488c6f03901d52000cbf42d8e2a36ca76c438f0dff5108f8132a093b411d0d6fc357630c381edab8f603eba525787445cd5f5395067a51bdcc24b565402b425901615be838f0162f35fd6ec4bc8ee798cba70d0f1950d03acf7d81b1ffdd16e8e6e2b1a73c9377db9940fcd3789b2f49dd12fb98b3e7e2898cec5d6f2eba6d7b4f1a5af03a45c753b6b36b084eb669c582cd2c994a65ec5adbda865c2771784e1e46fc9ef8463747f6ef8973c89f1b166a543d05b507336ef30b45eb4364e6f26abdccd6f8d4b2d88aa9868f9e3d199b7c8c03c5d5658124cef29993df9b6bc9606f46b95d9e0ecfcb7fcb1c8db57fb48965afff559e65afcc09f1556685de40676c5ff749f1a17037f63c898b28ee009e9fc4d304fbebeb3f433c1ca1e632293c57152d8f7543f5634fed7bae12a2a42196e93cc55442eba4d60f1e199596ee6f525e0885d5f9037b92fe8f32d28226687e5bde829e09be28390178afb8848d3bb9ed9d117b586a5c11f3e49c042f63f4e239873ccae337751c4676e159003744b4f4e4ee6bb27c45f120df27f7b5bac2b2eb035a14166ab2c97dadfc8b5e748469275caa615682add9b2b254c0e35507e58ea1c96a52df30fc667bd34b3297fac309b447cbf8e4e9bc24a6238ab65',NULL);
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
INSERT INTO subject_index VALUES(1,'ISR-20261206-69GWFK22','northshire-council','northshire-police','eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e','17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
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
CREATE INDEX ix_requests_disposed_requesting_agency ON requests (requesting_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_received ON requests (received_at);
CREATE INDEX ix_requests_disposed_disclosing_agency ON requests (disclosing_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_requesting_agency ON requests (requesting_agency);
CREATE INDEX ix_requests_status_due ON requests (status, due_at);
CREATE INDEX ix_requests_disclosing_agency ON requests (disclosing_agency);
CREATE INDEX ix_decision_checkpoints_agency ON decision_checkpoints (agency);
CREATE INDEX ix_audit_events_ref ON audit_events (ref);
CREATE INDEX ix_seen_envelopes_expires ON seen_envelopes (expires);
CREATE INDEX ix_people_agency_id ON people (agency_id);
CREATE INDEX ix_agency_keys_agency_id ON agency_keys (agency_id);
CREATE INDEX ix_decision_records_decision ON decision_records (decision);
CREATE INDEX ix_decision_records_disclosing_agency ON decision_records (disclosing_agency);
CREATE INDEX ix_records_requesting ON decision_records (requesting_agency);
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
