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
INSERT INTO agencies VALUES('northshire-police','Northshire Police','POLICE','["Inspector", "Chief Inspector", "Superintendent", "Chief Superintendent"]','dpo@police.northshire.example','{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO agencies VALUES('northshire-council','Northshire County Council','COUNCIL','["Senior Manager", "Head of Service", "Director"]','dpo@council.northshire.example','{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO agencies VALUES('northshire-hospitals','Northshire Hospitals NHS Trust','HEALTH','["Caldicott Guardian"]','dpo@hospitals.northshire.example','{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO agencies VALUES('northshire-academy','Northshire Academy','SCHOOL','["Headteacher", "Designated Safeguarding Lead"]','dpo@academy.northshire.example','{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO agencies VALUES('northshire-homes','Northshire Homes','HOUSING','["Head of Housing", "Tenancy Services Manager"]','dpo@homes.northshire.example','{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO agencies VALUES('northshire-yjs','Northshire Youth Justice Service','YOUTH_JUSTICE','["Service Manager"]','dpo@council.northshire.example','{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
INSERT INTO agencies VALUES('northshire-mash','Northshire Multi-Agency Safeguarding Hub','SAFEGUARDING_HUB','["MASH Manager"]','dpo@council.northshire.example','{"opens": "09:00:00", "closes": "17:00:00", "weekdays": [0, 1, 2, 3, 4]}');
CREATE TABLE isas (
	reference VARCHAR(100) NOT NULL, 
	title VARCHAR(300) NOT NULL, 
	parties JSON NOT NULL, 
	valid_from DATETIME NOT NULL, 
	valid_to DATETIME NOT NULL, 
	PRIMARY KEY (reference)
);
INSERT INTO isas VALUES('NCSP-ISA-2026-01','Northshire Community Safety Partnership information sharing agreement','["northshire-academy", "northshire-council", "northshire-homes", "northshire-hospitals", "northshire-mash", "northshire-police", "northshire-yjs"]','2026-01-01 00:00:00.000000','2031-01-01 00:00:00.000000');
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
INSERT INTO requests VALUES('ISR-20261206-GMZKGB3J','88deeb42-b0d8-4ac7-85da-7b509aec5e9b','2026-12-06 17:08:42.407740','northshire-police','northshire-council','pc-ahmed','AMBER','2026-12-09 17:00:00.000000','DECIDED','{"requesting_agency": "northshire-police", "requester_id": "pc-ahmed", "disclosing_agency": "northshire-council", "purpose": "PREVENT_DETECT_CRIME", "naming_offence_would_prejudice": false, "items": [{"description": "All information held on the tenant"}], "regime": "UK_GDPR", "lawful_basis": "PUBLIC_TASK", "sensitive_condition": "NONE", "special_category_data": false, "criminal_offence_data": false, "gateway": "DPA_SCH2_P1_PARA2", "isa_reference": "", "dpia_considered": false, "consent": "NOT_SOUGHT_PREJUDICE", "urgency": "AMBER", "countersigned_by": "", "delivery": "SECURE_INBOX", "subject_count": 1, "third_party_count": 0, "item_ids": ["item-1"]}',X'2e086a12da555a027d738315abd15ab2061dcda2a2b0f035a3b11578d4420bb50fb16ad9533944f25e98ce22866d78d673c0865044522a40d0c691cf',X'452ee729dfd7d880decd2ff5cb27493d9d88ecb172246a59e0a8c5c205aaf0db10aa9290945d2e2d11726da8c463835b709c98a20f7ac50ceeba8d9eb89f6fbc5003d62450a252ab919c83a822189885996b329ebf67806d6f04e78bb086b775fddaf1ba7edf3849837a57a8b5ace5a0faa5544387bf3224acc3068c841ae22b2b63381d084c847956039bb99f78ece32fd8f4eb81c1a2b85b2ca9bcbf3a86a7877ea2e2efed2043629f4e378d15d6f984ba451bafbb8d5dfc34ea535e73ef605d9f67d7a748ed9a4fd3856e1d2dc7892781059dbe7e24df3b95caa6b9b5d092105a34ba427e74479fb81d1dd39dc7a19b7174b51f78e86d36d2c178b7d2c1a167e08c602a61f9941552e8d440c4b37286ff5f54c4110d0d8ad3d84a82dfe9962774ff037e2eb50cadf232e78ae03f46f6c6ad25ffc35ecf3b7e08d48fe5b759aac484e2e45912121f5034b34664c2fd103824af7760bcdda96db3dae819ec8ecd6a3b2235dab0990593f2c7f30166233c49b46844f86af2e92dc78d28f587cdbb547e5d44766c37a9a738f2f51d7806eaf52c61699e846e30ede0a4e8af24ce6be6b9a5a6fc050f068de31e386195f031924e51038604c81aa4064c891807e4b6405cefa01220f5e156f730ef70a88cef631a24692649efe98d09f4cca891b627155dcc333c67711e02ea4c01ea6e1bd961c1d0d3331519222f6e811a33cdce645100ad74b1c9464d268e024ac5226fa4bb2444ea707633920715adc94e6a6cd5eb1af5be24c332eeef8c05ad3ee72ee6b6c14ef10575003e2451c740097b7a964e2f7b5588b919774abd4f156b5cc8182b4c709df37f6639350f3acaecbbb46c856d5b7c3582514d06a445597ed9f3a565e12881afce216e6e12819648a6c8ab8f62a3fcaa80a8fb4344f517ed422564fffab46d286d64cac3644f80f5706a6e2783e30dd27de5b483a8892fae1c148427ee09f55d8c16fd550fdd6c71fb9ba9300ee7c609ef2b69d24b91c2d9c2b3ca682fcf7dd092ec1d4914e6e498a252c63749deeac4341b89e9e907360749550c834dba292bf59fecd147e792cd6633ec8da6bdbd47488264fe8facb1f77032f71caf23b6cc1682b29deaa1a9db45ba1fd7d1d859d03e61e9715916207199e277937f730cd2551b34a20d2047e0830cf245c48b534f71d8baaab0ab354e92281aae6f6bed5ec39396c938ddbf0004281d9912c88fab881dba9652abd17beef203dfee9f407ae2c492dcd5ca9b5917cce2071026bb0a1317c83f43b36a3a75af7c');
CREATE TABLE decision_chains (
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (agency)
);
INSERT INTO decision_chains VALUES('northshire-council',1,'145b046eadf11fd30e2b0c96f6a5067bd3382864d53082a2820a13f457f23377','2026-12-06 17:08:43.652197');
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
INSERT INTO audit_events VALUES(1,'2026-12-06 17:08:42.416121','ISR-20261206-GMZKGB3J','intake','pc-ahmed','request received','');
INSERT INTO audit_events VALUES(2,'2026-12-06 17:08:42.455040','ISR-20261206-GMZKGB3J','intake',NULL,'step completed','');
INSERT INTO audit_events VALUES(3,'2026-12-06 17:08:43.606241','ISR-20261206-GMZKGB3J','triage',NULL,'step completed','');
INSERT INTO audit_events VALUES(4,'2026-12-06 17:08:43.652207','ISR-20261206-GMZKGB3J','record',NULL,'decision recorded: REFUSE','');
INSERT INTO audit_events VALUES(5,'2026-12-06 17:08:43.699047','ISR-20261206-GMZKGB3J','outcome-notice',NULL,'step completed','');
INSERT INTO audit_events VALUES(6,'2026-12-06 17:08:43.815879','ISR-20261206-GMZKGB3J',NULL,'pc-ahmed','notified','outcome via outbox');
INSERT INTO audit_events VALUES(7,'2026-12-06 17:08:43.862556','ISR-20261206-GMZKGB3J','decision-artifact',NULL,'step completed','');
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
INSERT INTO agency_keys VALUES('6085d530a696632beb032264e62fa6b8','northshire-police','x25519',X'7ef73f75b937eb702e5b166d63c875a5e86e0adf38d2d04d07479bfa8768ef1d','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('9474299cfd7d417a24cd57d64ef8b8a5','northshire-police','ed25519',X'47b2380813dc25becff2883763f33237414d090994b605263744275338bb70f4','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('55ca0fb562e2085cb04970159b1d4171','northshire-council','x25519',X'bc22ab244f8a6162e1979aa95e04137930dc01ea8459b18f5a782e99cda8f114','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('e59e824ca3aad1e02ffacc1030ed3d93','northshire-council','ed25519',X'096225f7b567348472fc862fdbc868bc3bbe674d39494ecba1169a35f318b394','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('22934ca3c2d4ecfc77958f7b2132376f','northshire-hospitals','x25519',X'c30826dbacdc64bb44618c9697fd9bc30a359bbbd55e1aaa039456b9df37d176','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('84b3463f13fdb40d0f91feea0d3a7b61','northshire-hospitals','ed25519',X'f07fbbc77425fbe6dff8707bee7ef8e54f8a8f1fcc7b2b185dc70a1cddaca154','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('99bf4ed541777f6b21365813dab765df','northshire-academy','x25519',X'23425b9e8971f209c1e372c4ce1675238f164cc62b0f119b161d07d8a30e3f68','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('492830df6182e8c431b8f010f0388857','northshire-academy','ed25519',X'3c44542217aa55b6e2b5b0cfe4fb0fbca2371fa9b71dd774396c8eba16553ee3','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('1b01afde7d5952df3ba3323f6fa2366a','northshire-homes','x25519',X'90dcf2f481495807062dfe376c40334bb37517065ae14f5f8a649ba9170e5549','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('65c3ccb20b4c2f9d2a0a1437cd0acabc','northshire-homes','ed25519',X'e19afecbf463a4b2aedf4a73683b544e536b738a64fa86eac4455e8715674329','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('be24da5ceee4fa0c6483e7fe138f7070','northshire-yjs','x25519',X'f7e4370915e4e365ccf349b3b632665652c46d3bceaec3038bbc75d493983249','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('75ee48dcd0c88a461dbcc07c9b7d608a','northshire-yjs','ed25519',X'e1f59f72c8d33f095579994d732c80b776ff89d58837ac36c733bba24fcb8fe9','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('000461ee72339b580303828b972346dc','northshire-mash','x25519',X'af74bb00edb13f140189549dd6265e9295dc9ba3678af4bc1700482e00775f31','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
INSERT INTO agency_keys VALUES('1fe9038bbfad31c4c03467a2c35f285f','northshire-mash','ed25519',X'a7c84a5da6888e98f4bf9e8767c33b645424cd9abb23aba31a33aabc3b37a41f','2026-12-06 17:02:56.650558','2028-12-05 17:07:56.650558');
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
INSERT INTO request_steps VALUES('ISR-20261206-GMZKGB3J','intake','DONE',0,NULL,'2026-12-06 17:08:42.454935','{"prefect_parameters_redacted": true}',X'3c8ea572b7dea1affe06382bda4614f65687e0d0b7c1b107897ce1d11925');
INSERT INTO request_steps VALUES('ISR-20261206-GMZKGB3J','triage','DONE',0,NULL,'2026-12-06 17:08:43.606145','{"decision": "REFUSE", "reasons": ["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.", "item-1 states no reason why it is necessary.", "Schedule 2 requests need a countersignature by an officer of Inspector rank or above."], "due_at": "2026-12-09T17:00:00+00:00", "isa_reference": "NCSP-ISA-2026-01", "needs_override": true}',X'150fa5cb0776f521fed41c28f893332028a6d4f5a1105b0a6d2ac947babb');
INSERT INTO request_steps VALUES('ISR-20261206-GMZKGB3J','outcome-notice','DONE',0,NULL,'2026-12-06 17:08:43.698925','{}',X'69ae641e9a34906275eb2881d01970cbd2fb284c68ce088a546d70eb90a7');
INSERT INTO request_steps VALUES('ISR-20261206-GMZKGB3J','decision-artifact','DONE',0,NULL,'2026-12-06 17:08:43.862468','{}',X'630d178939806582565effa2b0cadf4a67a58c27cd1953f647730055bd13');
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
	PRIMARY KEY (id), 
	UNIQUE (disclosing_agency, chain_seq), 
	UNIQUE (ref), 
	FOREIGN KEY(ref) REFERENCES requests (ref)
);
INSERT INTO decision_records VALUES(1,'ISR-20261206-GMZKGB3J','2026-12-06 17:08:43.648865','REFUSE','northshire-police','northshire-council','AMBER','2026-12-09 17:00:00.000000','2026-12-06 17:08:43.648865',NULL,NULL,1,'0000000000000000000000000000000000000000000000000000000000000000','145b046eadf11fd30e2b0c96f6a5067bd3382864d53082a2820a13f457f23377','{"reference": "ISR-20261206-GMZKGB3J", "received_at": "2026-12-06T17:08:42.407740+00:00", "requesting_agency": "northshire-police", "disclosing_agency": "northshire-council", "requester": {"id": "pc-ahmed", "name": "PC Sam Ahmed", "role": "Constable", "agency": "northshire-police", "identity": "registered requester id given on the request form"}, "countersigned_by": null, "items": [{"id": "item-1", "description": "All information held on the tenant", "shared": false}], "subject_count": 1, "third_party_count": 0, "special_category_data": false, "criminal_offence_data": false, "purpose": "PREVENT_DETECT_CRIME", "regime": "UK_GDPR", "lawful_basis": "PUBLIC_TASK", "sensitive_condition": "NONE", "gateway": "DPA_SCH2_P1_PARA2", "isa_reference": "NCSP-ISA-2026-01", "dpia_considered": false, "consent": "NOT_SOUGHT_PREJUDICE", "override": null, "urgency": "AMBER", "due_at": "2026-12-09T17:00:00+00:00", "decided_at": "2026-12-06T17:08:43.648865+00:00", "on_time": true, "decision": "REFUSE", "reasons": ["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.", "item-1 states no reason why it is necessary.", "Schedule 2 requests need a countersignature by an officer of Inspector rank or above."], "approvers": [], "shared": null, "review_date": "2027-12-06", "retain_record_until": "2032-12-04"}','{"subjects": "5bcee73d25074b9ad142d4eae7caef0b7e49fb0d42009fec9ed7806ea674a7b0", "third_parties": "61e95d49620d96e7de914c7001e6f4c3d23eb9f435bd024b0ee3931f9f37adc9", "offence_or_risk": "ef34cfcbba38d9ab92442115976b16c2021d809e7e0cb07711558b34a396d0c5", "naming_offence_would_prejudice": "1eeff7f27a17af14c50423efffcee9e53d3f77ae879958469f140ffaafba8d6c", "necessity": "6b3ee8b302ae0190fe707601acd11c6b0bb6b781a073027231e3d00379bc8ab3", "consequence_if_not_shared": "586cf24f180ce4c7a19a1a33cdfc5081b008f32a9b46cdd48285f296045e4060", "consent_reason": "4b83d77de4eb026c029a36f045fff41e6f77264cbbaf712d8059ec6e43f48dab"}',X'062334a892bd9effc5d265d43a37ae7e08ab9c7c96b03d37d110e82c11bf997cb7eec007ce3272f3aa39879fd986c222e126cf79b2154db890456b98cf9737f0135698ea172a3f2765500ab220bd24563544876d3d6b317467965bd8211f3bb059c9a07cce303bf0be607cd983ccfbe75b6a31c360d39632e6fb832c32fb9ec5002bd5542757f5766bfe8e2fdc7211b8399c7003ca1d1318c6f75e716b63e39ee3c607ab85a508e9126f4894709c067e124a4f716a045597d20d0b9c511e45a1e392b56d6eedf711a38666f1f877a5a90102df524bd18b37635f19af01053978ff030383fb7ae0b2ca2a38c5e687fdff06ba18029bba4e08fe0a106c7473770bd424af11f753ad23d74126c554c8c5415e3de26238dfc70c3dad713f6d05cd16167b7151f3ad32820f493390e3e1e4635d42250c7b1e40d3f307c3664c1b4490b0bd458e515cb9ad2eaae44aa787ecd7fbb475d3cf70661115c778dce46409ca09113a684787a2664e1f11281bde05e00ff07d86c9dfb39eae3b94b41cd0fda04d9e10fad95091013f45e6a746e25af4c5b5be5b72871f49620c20f732f8ce58822d1dcd8a0f9de00bd90770548aace77f1bd0f7b8d61c2d6cd1f2551717dca372b669aebc61d4a7b2d40b4dc9adcc590c6f0e9b2a69b10eebdf8b954c572a8c2482b0d7f96c48ddf915a087b67d64d7c7248bd34c8efce718bc39de8dcf905a5ca583f7c722cca2862b3cc88b33b02a5fc29e332173aac3148bddfa1bb52afddd4c550599f7eaf7e21ea93c19010c9b793b3bdf5055b757f0882ef28a65e6e0280350c5d52f8e8fc7f555a0e322f8fb7d70ca3d76107da5200f8712acaed8ffbc9e600176129691475fa86eee1324be9a70447d8eaae8d8623c04fbd11de34d23cbbd5321d148eafdb96bbc2ccacc1f8b5c5f29c30091e0c8ee740f0ceef4179beab57b0f08efda7fc820eba9b9f2183dea5706c23f6b40036eecc6d931577badf0b1a14c93dc928d3389bd26f0f8c9c6e1b47f957b0239a278bbc8221fe063578f9baa537f76f47e7c9efd7f93a2c2adc9aaef565aefa73bfa76fa683a478edaca07235cb2d968713b5947cd3e1e1c163586aada4c2e85025ed5bdc910c0b89312c8371c7f617a90b039b70b34e1991f82b4a1e034b58b9cf3a3aa2f0bba1009dc0804ebf1c03d18971dc6cc7089ccf5d3');
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
CREATE INDEX ix_requests_disclosing_agency ON requests (disclosing_agency);
CREATE INDEX ix_requests_status_due ON requests (status, due_at);
CREATE INDEX ix_requests_requesting_agency ON requests (requesting_agency);
CREATE INDEX ix_decision_checkpoints_agency ON decision_checkpoints (agency);
CREATE INDEX ix_audit_events_ref ON audit_events (ref);
CREATE INDEX ix_seen_envelopes_expires ON seen_envelopes (expires);
CREATE INDEX ix_people_agency_id ON people (agency_id);
CREATE INDEX ix_agency_keys_agency_id ON agency_keys (agency_id);
CREATE INDEX ix_decision_records_decision ON decision_records (decision);
CREATE INDEX ix_decision_records_disclosing_agency ON decision_records (disclosing_agency);
CREATE INDEX ix_one_time_codes_ref ON one_time_codes (ref);
CREATE TRIGGER decision_records_no_update
        BEFORE UPDATE ON decision_records
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
