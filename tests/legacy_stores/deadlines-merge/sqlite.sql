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
	PRIMARY KEY (id)
);
INSERT INTO agencies VALUES('northshire-police','Northshire Police','POLICE','["Inspector","Chief Inspector","Superintendent","Chief Superintendent"]','dpo@police.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}','ci-patel','["ci-patel"]');
INSERT INTO agencies VALUES('northshire-council','Northshire County Council','COUNCIL','["Senior Manager","Head of Service","Director"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]');
INSERT INTO agencies VALUES('northshire-hospitals','Northshire Hospitals NHS Trust','HEALTH','["Caldicott Guardian"]','dpo@hospitals.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]');
INSERT INTO agencies VALUES('northshire-academy','Northshire Academy','SCHOOL','["Headteacher","Designated Safeguarding Lead"]','dpo@academy.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}','school-dsl','["school-dsl"]');
INSERT INTO agencies VALUES('northshire-homes','Northshire Homes','HOUSING','["Head of Housing","Tenancy Services Manager"]','dpo@homes.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]');
INSERT INTO agencies VALUES('northshire-yjs','Northshire Youth Justice Service','YOUTH_JUSTICE','["Service Manager"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]');
INSERT INTO agencies VALUES('northshire-mash','Northshire Multi-Agency Safeguarding Hub','SAFEGUARDING_HUB','["MASH Manager"]','dpo@council.northshire.example','{"closes":"17:00:00","opens":"09:00:00","weekdays":[0,1,2,3,4]}',NULL,'[]');
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
INSERT INTO requests VALUES('ISR-20261206-356ZNUNX','a108326a-a7a8-4c41-896b-10df81bdfd9c','2026-12-06 17:18:54.097188','northshire-police','northshire-council','pc-ahmed','AMBER','2026-12-09 17:00:00.000000','DECIDED','{"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":"","criminal_offence_data":false,"delivery":"SECURE_INBOX","disclosing_agency":"northshire-council","dpia_considered":false,"gateway":"DPA_SCH2_P1_PARA2","isa_reference":"","item_ids":["item-1"],"items":[{"description":"All information held on the tenant"}],"lawful_basis":"PUBLIC_TASK","naming_offence_would_prejudice":false,"purpose":"PREVENT_DETECT_CRIME","regime":"UK_GDPR","requester_id":"pc-ahmed","requesting_agency":"northshire-police","risk_to_life":false,"sensitive_condition":"NONE","special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}',X'c3685efb56cf61f63c95d31846a75fc76b562185f82525cd4007a5ff63ea3880f8a1086c748802c01ffaa3b626bbb6f74ad1a2ee3b697bad877e0337',X'd947d8e5b811094bc5e2250cd9cb0e29099dd16a8d169737bc9078e94442356e568ad852a18447a7241943a9473eb05399b1575c305c75bff97d380ff22e110877b5a11351774d827e4d9dfa0b27b63b3a303e5d15a16d17588751139cbf1385619bb4c3f538d9927dbdb8f6f62d893f2566ca4f89fa622ea1bef8a96c664f8a3c7866ee629d32510d4180af54770463841cbc7a0096915441a0ef23e84b44ebdc9365b083a375a9bc42e1910f6ad0102a2f13deec489f291eb15a958b49af3f6aa5205a0b50ea8e9633a594ec644db750836b8e1478b7b88a4c00ac80d9cd1387a19914cc9040f07b0695c9dbdcd15a6ef619742b3004bf5e1cce1431180c3c6279fb094dc01155e9317bd24686f184fba4053f74648a528c7e2865a00b16fbf88abc2ae920dfd244b99afb3d2db2750c02929d0c5ed38fa6f75058cbfa09196ac35d16f60acd9e50163f18ab2842253a20492238537cea4e6a146f7a49871876308215257648a7ffdc3a7951ebfa3581ac3c9422c30edcd2672a7d52e0bbf586955b18eb2dc2cd2a971f1f908db31f268b7e74118dd7aea579575386a09e6af0f87e4733290dee535aa431a63fb2b1f9504d0957fe3a6f46c940051189d2a35b67e5310d471dbab8a3b0ec6357d7d00a60c4ee507c2c4464f8211bb2b9bf505e16503f37c53b45f7ad5e46f71392d0775eaf1459ff49a2b96c0a84d2537cb92bd1d600bfb8eecd30fd97fa1c9ac7eb5f5ef03ad56ad611dd0654f75be194d5f512b53d6b11cae1a7955dca874cc2336b954fe913d5fb16781f5cab76f2266368dc5e6250f056d1561990fd1196ce44951c24b2652b903c95251cdb91ebaaec6ebb3e058086c791d25d0e1dff451ebfcfd254d981766cb002f3dd066fa0227699bb0a8408914d004c66495bbc80c0085047d5df9d24bfb33b44b7972914d94d302088c2ab4b859a52898159a0b89ead1473d276d093797a52c729344076a54397eb41ded3509c0c6df20036418450e5d89d6b4e1475db40073f0ca10b5c3b945d36b6ebdb03ffd06c8a654d05fad04341762cee05c96553f905770af0e86828af3f79f94dd1810c8d350a67edcd035804b1ba0d5b5de771cf7528c6864ff8ec2393d27c2952c1ded9a9ba4e120e112b809499a242f3e1dbdaa273c99ce7be149ea61f8edae385d4d7e5328e949029c26009be7f8e896459b8d437c0edc1985cd452d4494c7f56b50b528fa152963f6b589cfb4935065e5695c19a1e3538173a8af19eb4562288c304ce3b12bb52c1828d51301cd5cf731d3add0f5a76a5bafb042bca71ce77');
CREATE TABLE decision_chains (
	agency VARCHAR(64) NOT NULL, 
	seq INTEGER NOT NULL, 
	head_sha256 VARCHAR(64) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (agency)
);
INSERT INTO decision_chains VALUES('northshire-council',1,'2baa114bb685980b389d3d6dd8ebd7f748ac0ad6387ec2535cf5551c75a2a240','2026-12-06 17:18:56.433382');
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
INSERT INTO audit_events VALUES(1,'2026-12-06 17:18:54.098122','ISR-20261206-356ZNUNX','intake','pc-ahmed','request received','');
INSERT INTO audit_events VALUES(2,'2026-12-06 17:18:54.197765','ISR-20261206-356ZNUNX','intake',NULL,'step completed','');
INSERT INTO audit_events VALUES(3,'2026-12-06 17:18:56.386853','ISR-20261206-356ZNUNX','triage',NULL,'step completed','');
INSERT INTO audit_events VALUES(4,'2026-12-06 17:18:56.433391','ISR-20261206-356ZNUNX','record',NULL,'decision recorded: REFUSE','');
INSERT INTO audit_events VALUES(5,'2026-12-06 17:18:56.609515','ISR-20261206-356ZNUNX','outcome-notice',NULL,'step completed','');
INSERT INTO audit_events VALUES(6,'2026-12-06 17:18:56.750192','ISR-20261206-356ZNUNX',NULL,'pc-ahmed','notified','outcome via outbox');
INSERT INTO audit_events VALUES(7,'2026-12-06 17:18:56.953100','ISR-20261206-356ZNUNX','decision-artifact',NULL,'step completed','');
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
INSERT INTO agency_keys VALUES('ea2ef22e385231e1800dcea58925f35c','northshire-police','x25519',X'4c5e49f6765c79339126ddba39d9625597628444ad59a65ea7aa07b2d0380535','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('2008d0c186fd1e31d35ac81705d927e9','northshire-police','ed25519',X'846717e612e30a3cc0bead25dd641129e33836c7b842cbbd7a5fbc8146ce30b6','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('9fb203fb43910f4ef3d4a807302ab761','northshire-council','x25519',X'11b8fa96058caf023a397e2f9cb475b79a20bd768cbab4aaa265f6f628851b54','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('94191c6cca1df201435d97434b3edb29','northshire-council','ed25519',X'3946351531f4bab3887b866ea5ac422993bbc76a9df36a3382aebcc4a9f3a1a6','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('0c04279d7465b58264c00241cd3f3822','northshire-hospitals','x25519',X'ebf6d0e5d173afc8bf9b526ecb97a3aa80cb50eb1e997f7e95a174d2124fe32c','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('679eb050be9c125a9c30f8d73ae680d7','northshire-hospitals','ed25519',X'8ad19e870a7b288f8ded958c563e235f2476c842b739bb774ab630a509ae2ce6','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('06d3c0684bd49a300a93402e610a5248','northshire-academy','x25519',X'ba7a1a431a3e9401e519064942131b29dd775b9e37c6c34da51ba2260df8e36c','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('4d6f49481c594d1a1e9600054a08cd83','northshire-academy','ed25519',X'fa0c3d7b5e5ee9ad64e9af185b2479a008db965064ef51b2ccd572fe6e625bbb','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('b328a727a47915798c32b8c614d52588','northshire-homes','x25519',X'4ac1504ded114cbdc652133748c7c344aa61985702132137798683396bb3997c','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('9de33ae776d993888734116c8017da15','northshire-homes','ed25519',X'71ce0e72d9d0c7dc8a57b253cf0081005e177965aa05bc94a6854bd1bd8d28e4','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('906e8c6d72b800aeace0d89a03ca0151','northshire-yjs','x25519',X'aa721239b372b7ccd37921b07707b18256d477c9f689d72be6e88651746dda3a','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('567637230608966ffcc06a2e04f9f528','northshire-yjs','ed25519',X'e00f474b34ab488caf1c1ef36b337fca66005eccbd3a4928cb3938e81c18871a','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('7cd8ead1a371d4260c8716f5e88ac3a7','northshire-mash','x25519',X'e91bd8dedd21b91bb81d2898a48191d976ed5dff925b418be47fda9779285029','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
INSERT INTO agency_keys VALUES('618f26ef2a841247c5ccd6e59480aa69','northshire-mash','ed25519',X'a8ff81b6c410fb5f5f01c0f4a5d87b7b06b1df2564b90c606b95f1931b687a0d','2026-12-06 17:12:35.357288','2028-12-05 17:17:35.357288');
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
INSERT INTO request_steps VALUES('ISR-20261206-356ZNUNX','intake','DONE',0,NULL,'2026-12-06 17:18:54.197666','{"prefect_parameters_redacted":true}',X'1081541d7678d674f4fe2fa5af228c8b2b512eaadd02a3e506fd3ee09303',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-356ZNUNX','triage','DONE',0,NULL,'2026-12-06 17:18:56.386755','{"decision":"REFUSE","due_at":"2026-12-09T17:00:00+00:00","emergency":false,"isa_reference":"NCSP-ISA-2026-01","needs_override":true,"reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."]}',X'b3b451c9870de65728986ff63a0fde90de87e7b4846986f7476e6a9b3269',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-356ZNUNX','outcome-notice','DONE',0,NULL,'2026-12-06 17:18:56.609465','{}',X'bafa914d883e9e4f0766cfd11ec42a1d1912fb0583a12000fd6be8ce4728',NULL,NULL);
INSERT INTO request_steps VALUES('ISR-20261206-356ZNUNX','decision-artifact','DONE',0,NULL,'2026-12-06 17:18:56.953013','{}',X'8fbf5e6ba9f35b901e3b95953e84402baae0b8b06324fe780f7b43c212ed',NULL,NULL);
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
INSERT INTO decision_records VALUES(1,'ISR-20261206-356ZNUNX','2026-12-06 17:18:56.429574','REFUSE','northshire-police','northshire-council','AMBER','2026-12-09 17:00:00.000000','2026-12-06 17:18:56.429574',NULL,NULL,1,'0000000000000000000000000000000000000000000000000000000000000000','2baa114bb685980b389d3d6dd8ebd7f748ac0ad6387ec2535cf5551c75a2a240','{"approvers":[],"consent":"NOT_SOUGHT_PREJUDICE","countersigned_by":null,"criminal_offence_data":false,"decided_at":"2026-12-06T17:18:56.429574+00:00","decision":"REFUSE","disclosing_agency":"northshire-council","dpia_considered":false,"due_at":"2026-12-09T17:00:00+00:00","gateway":"DPA_SCH2_P1_PARA2","isa_reference":"NCSP-ISA-2026-01","items":[{"description":"All information held on the tenant","id":"item-1","shared":false}],"lawful_basis":"PUBLIC_TASK","on_time":true,"override":null,"purpose":"PREVENT_DETECT_CRIME","reasons":["item-1 asks for information in general (''all information held'' or similar): ask for the specific information needed.","item-1 states no reason why it is necessary.","Schedule 2 requests need a countersignature by an officer of Inspector rank or above."],"received_at":"2026-12-06T17:18:54.097188+00:00","reference":"ISR-20261206-356ZNUNX","regime":"UK_GDPR","requester":{"agency":"northshire-police","id":"pc-ahmed","identity":"registered requester id given on the request form","name":"PC Sam Ahmed","role":"Constable"},"requesting_agency":"northshire-police","retain_record_until":"2032-12-04","review_date":"2027-12-06","sensitive_condition":"NONE","shared":null,"special_category_data":false,"subject_count":1,"third_party_count":0,"urgency":"AMBER"}','{"consent_reason":"8bd3e6a1716454aff8d55eccd8053ceaaf8130ab98bf7e0b3bb1066bfed3e412","consequence_if_not_shared":"38a828861c41ba0871739973601e8550f7814ca515b9bb87af2ba4d12e122734","naming_offence_would_prejudice":"522df0d298c0defdfa413102105b6102bdba122cfcbb69bd59667e8e3eae2657","necessity":"faa3a4a8f216ca43a339124267dce6eec3619679797737517b9a238dbe442dc5","offence_or_risk":"26f1c3776347ebe233b5ffa018c965d04c8d1a37967fff371313d75c95272dbe","subjects":"0a360d0cf0d87e51f7fc23ef20b6c1586d34aff6d5c7a9fb000a4f855367fa37","third_parties":"8015a7fd8132a97dc2207c202c40f03dd0c3161cc2c1488d2180fc9e0b229ac7"}',X'cf9cc04273582ef4cc5c972ad54f14f7c3486eec13f83260c07efa865b8405bf1848b15475441533273a45b5a9e1280b9ba6a1429a9c20b97fa481ca5b24f6b43aa2a959a90abd7346245fbf4c03cc10f931da699c960472b83d3195b1c86b027a1278ec7b9675887973ab1cd68517bd9839cb5bf6db2664bdc80a5a8074adda63bb8bf1044d2388ce48474356ee4277e3e1d0dd5019d0465b39d5a69795bbe69eb5a2e750e0b0f9ef97beb4b5cbee30a22b511276d664bbc9466080b5f1248bf91a7e0ef4d688bd56e2f5ad5a008cb208cbd29df8b1222c0a56d72dca0504f2e3f719d99b6abdb02a51cba860abfad18ad2b73c9f76fee1df10d212c42b17cc6133be203fee31fad4bd6091d69a09dc8a10bd587e31f03ccc9f90d356a02a284661066de58f90f2a5272820c8d9e0f585c404a9b5c1a606b41c7a90f609d92bafc294cbd03715750437ce0b5ce38d4d19d229052f475e52c9fedcb024d50369cf427fdb6040537761be1f9531d04e328628576bebfffb8550a989dab56288b78f08e631bd6267cb6c0b5e803ca5341bb504b68be5501d449e9d0fff6c23dc6c37895e726013b740e946ac78964f98ada18b2546760701f0d8a253420b5af9573379605e34715bab59d7e7a3619dd377cb42ee81975d8957b3c5b094d55242e7ea168e9b9c1ba0db2945e976eb21110f6b6608393c8f42ad85680d868fcedc5de586f30d8c7047ac8a16d3b771ce2bcfac36eca7b4e5368e9235043e4f11469a4da3eb621743a5967d6409b4a612ecbb3c11e15d34c2342fd85a42fdb5d50edeb4f482f38eb6eb10500bd1fd3fee8c00dd12da750baebf7cb3ebe747818ccba0b0109b9257ad277bcfaf4c64de9756979fd449e49799a432d2b1c52d5bbc07c806331ceb2d306d418320c12bd79db99b5c1645d0cea252f84551fc1034833aa084b27bb8c0fc674a66d801be6c39a872ed0974063cba9e32b0b3b882649a385d3e6be962555c31d58b89c4a6c784d1b66d6765aeb97bdd239f2302511afe5d2dddc5e2460c8de60b30db264bf12cf472dab52b5b7ca877b25b6d63e3700b740e8380bf474d4c09a1eb4911b7b44ee665f29a3cd7ec45104adc816d77347c36c2f669f2ddab8881a5ade6567122ba70e170a60b19a539ff76916eee5e210cb0b967c25feef1abaa9e223655208fa697d4324d',NULL);
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
INSERT INTO subject_index VALUES(1,'ISR-20261206-356ZNUNX','northshire-council','northshire-police','eb2a54fb731ba2bb3483d74aad43486bc41d926bbf6aeef1b037f0d0b241445e','17cc7d8e799e77a9d70c78e795c5b0295ad5d117861ac2dda83fdf67daf353d2');
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
CREATE INDEX ix_requests_status_due ON requests (status, due_at);
CREATE INDEX ix_requests_received ON requests (received_at);
CREATE INDEX ix_requests_disclosing_agency ON requests (disclosing_agency);
CREATE INDEX ix_requests_disposed_requesting_agency ON requests (requesting_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_requests_requesting_agency ON requests (requesting_agency);
CREATE INDEX ix_requests_disposed_disclosing_agency ON requests (disclosing_agency) WHERE wrapped_key IS NULL;
CREATE INDEX ix_decision_checkpoints_agency ON decision_checkpoints (agency);
CREATE INDEX ix_audit_events_ref ON audit_events (ref);
CREATE INDEX ix_seen_envelopes_expires ON seen_envelopes (expires);
CREATE INDEX ix_people_agency_id ON people (agency_id);
CREATE INDEX ix_agency_keys_agency_id ON agency_keys (agency_id);
CREATE INDEX ix_decision_records_decision ON decision_records (decision);
CREATE INDEX ix_records_requesting ON decision_records (requesting_agency);
CREATE INDEX ix_decision_records_disclosing_agency ON decision_records (disclosing_agency);
CREATE INDEX ix_subject_index_ref ON subject_index (ref);
CREATE INDEX ix_subject_index_name_tag ON subject_index (name_tag);
CREATE INDEX ix_subject_index_name_dob_tag ON subject_index (name_dob_tag);
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
