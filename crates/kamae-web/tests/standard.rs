//! The standard's pages as the CISO office and everyone else use them: browse, read an item,
//! compare versions, export, import files (dry run first), reference frameworks.

mod support;

use support::*;

const HEADER_JA: &str = "項目ID,項目名,分類,区分,要求事項,基準,基準値,単位,なぜ必要か,確認方法,代替策,適用,推奨製品・サービス,外部基準との対応";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_is_read_by_everyone_and_changed_by_the_cisos_office() {
    let s = Server::start().await;
    let practitioner = s.signed_in("practitioner-x-y@a-group.example").await;
    // The approved version's review (2026-12-15) is near or past: every home page says so.
    let home = get_text(&practitioner, &s.url("/")).await;
    assert!(
        home.contains("id=\"standard-review\"") && home.contains("2026-12-15"),
        "{home}"
    );

    // The approved version, by category, with the tiers of story 1.
    let page = get_text(&practitioner, &s.url("/standard")).await;
    assert!(
        page.contains("グループ情報セキュリティ基準") && page.contains("ACC-01"),
        "{page}"
    );
    assert!(page.contains("退職日から5営業日以内に無効化する"));
    assert!(
        !page.contains("CLD-01"),
        "the revision adding cloud items is not approved yet"
    );
    assert!(
        !page.contains("/standard/import"),
        "only the CISO office imports"
    );
    let only_b = get_text(&practitioner, &s.url("/standard?tier=b")).await;
    assert!(
        only_b.contains("DAT-01") && !only_b.contains(">ACC-01<"),
        "{only_b}"
    );

    // An item as a non-expert reads it: why, how it is checked, what may be done instead.
    let item = get_text(&practitioner, &s.url("/standard/items/DAT-01")).await;
    for part in [
        "なぜ必要か",
        "確認方法",
        "できない場合の代替策",
        "個人顧客のデータを扱う会社",
        "ISO27001:A.8.10",
    ] {
        assert!(item.contains(part), "{part} missing from the item page");
    }
    assert!(
        item.contains("<strong>1</strong> か月"),
        "the measure is shown: {item}"
    );
    let missing = practitioner
        .get(s.url("/standard/items/NOPE-99"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(missing.status(), 404);

    // Versions and their comparison: the revision adds the cloud items and shortens a deadline.
    let versions = get_text(&practitioner, &s.url("/standard/versions")).await;
    let ids: Vec<String> = versions
        .split("/standard?version=")
        .skip(1)
        .filter_map(|r| r.split('"').next().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 2, "{versions}");
    let compare = get_text(
        &practitioner,
        &s.url(&format!("/standard/compare?from={}&to={}", ids[1], ids[0])),
    )
    .await;
    assert!(
        compare.contains("CLD-01") && compare.contains("CLD-02") && compare.contains("VUL-01"),
        "{compare}"
    );
    assert!(compare.contains("30日から14日"), "the change log is shown");

    // Export as XLSX, CSV (UTF-8 with BOM, formulas neutralised) and OSCAL.
    let xlsx = practitioner
        .get(s.url("/standard/export?format=xlsx"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(xlsx.status(), 200);
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains("standard-v1.xlsx")
    );
    assert!(xlsx.bytes().await.unwrap_or_default().starts_with(b"PK"));
    let csv = practitioner
        .get(s.url("/standard/export?format=csv&draft=1"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let csv = csv.bytes().await.unwrap_or_default();
    assert!(
        csv.starts_with(&[0xEF, 0xBB, 0xBF]) && String::from_utf8_lossy(&csv).contains("CLD-01")
    );
    let oscal = get_text(&practitioner, &s.url("/standard/export?format=oscal")).await;
    assert!(oscal.contains("urn:kamae:oscal"));

    // Only the CISO office imports; a security lead edits nothing group-wide.
    let lead = s.signed_in("lead-x@a-group.example").await;
    let refused = lead
        .get(s.url("/standard/import"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(refused.status(), 403);
    let lead_csrf = hidden(&get_text(&lead, &s.url("/")).await, "_csrf");
    let (status, _) = upload(
        &lead,
        &s,
        "/standard/import",
        &lead_csrf,
        "x.csv",
        b"x".to_vec(),
        &[],
    )
    .await;
    assert_eq!(status, 403);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_show_what_would_change_and_refuse_bad_files_whole() {
    let s = Server::start().await;
    let office = s.signed_in("office@a-group.example").await;
    let ciso = s.signed_in("ciso@a-group.example").await;
    let form = get_text(&office, &s.url("/standard/import")).await;
    let csrf = hidden(&form, "_csrf");

    // The revision waits for the CISO; the CISO sends it back so that it can change.
    let versions = s
        .store
        .store
        .standard_versions(
            &s.store
                .store
                .actor_for_email(
                    &kamae_core::text::Email::parse("office@a-group.example")
                        .unwrap_or_else(|e| panic!("{e}")),
                )
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let v2 = versions[0].reference.version.to_string();
    let ciso_csrf = hidden(&get_text(&ciso, &s.url("/")).await, "_csrf");
    let res = ciso
        .post(s.url(&format!("/artifacts/{v2}/reject")))
        .form(&[
            ("_csrf", ciso_csrf.as_str()),
            ("reason", "クラウドの項目に委託先の観点を加えてください"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303);

    // Every problem of a bad file, with its row and field; nothing written.
    let bad = format!(
        "{HEADER_JA}\nACC-01,名前,分類,z,要求,基準,,,理由,確認,,,,\nACC-02,,分類,a,要求,基準,五,日,理由,確認,,,,\n"
    );
    let (status, page) = upload(
        &office,
        &s,
        "/standard/import",
        &csrf,
        "bad.csv",
        bad.into_bytes(),
        &[],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("bad.csv 2行目") && page.contains("bad.csv 3行目"),
        "{page}"
    );
    assert!(page.contains("何も書き込んでいません"));

    // A dry run lists what would be added and archived; then the import revises the draft.
    let good = format!(
        "{HEADER_JA}\nACC-01,退職者アカウントの無効化,アクセス管理,a,\"退職者のIDを無効化する <script>alert(1)</script>\",退職日から3営業日以内,3,営業日,理由,確認,,,,\nNEW-01,新しい項目,新分類,c,要求,基準,,,理由,確認,,,,\n"
    );
    let (status, page) = upload(
        &office,
        &s,
        "/standard/import",
        &csrf,
        "good.csv",
        good.clone().into_bytes(),
        &[("dry_run", "1")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("書き込んでいません") && page.contains("NEW-01") && page.contains("GOV-01"),
        "{page}"
    );
    let still = s
        .store
        .store
        .latest_standard(
            &s.store
                .store
                .actor_for_email(
                    &kamae_core::text::Email::parse("office@a-group.example")
                        .unwrap_or_else(|e| panic!("{e}")),
                )
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        still.map(|v| v.items.len()),
        Some(42),
        "a dry run writes nothing"
    );
    let (status, page) = upload(
        &office,
        &s,
        "/standard/import",
        &csrf,
        "good.csv",
        good.into_bytes(),
        &[("reason", "new_law_or_technology")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&format!("/artifacts/{v2}")),
        "the rejected draft is revised: {page}"
    );
    let item = get_text(&office, &s.url("/standard/items/ACC-01?draft=1")).await;
    assert!(
        item.contains("&lt;script&gt;") && !item.contains("<script>alert"),
        "imported text is shown, never run"
    );

    // Reference frameworks: a broken library names the place; a catalog imports once.
    let (status, page) = upload(
        &office,
        &s,
        "/standard/frameworks",
        &csrf,
        "broken.yaml",
        b"objects:\n  framework:\n    requirement_nodes:\n    - ref_id: X\n".to_vec(),
        &[],
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("requirement_nodes[0]"), "{page}");
    let catalog = br#"{"catalog": {"uuid": "u", "metadata": {"title": "Tiny Catalog", "version": "1.0"},
      "groups": [{"id": "ac", "title": "Access Control", "controls": [{"id": "ac-2", "title": "Account Management"}]}]}}"#;
    let (status, page) = upload(
        &office,
        &s,
        "/standard/frameworks",
        &csrf,
        "tiny.json",
        catalog.to_vec(),
        &[("code", "TINY")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("追加しました") && page.contains("/standard/frameworks/TINY"),
        "{page}"
    );
    let tree = get_text(&office, &s.url("/standard/frameworks/TINY")).await;
    assert!(tree.contains("Account Management"));
    // The office explains a new term; a refused one keeps what was typed.
    let res = office
        .post(s.url("/standard/glossary"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("term", "XDR"),
            ("ja", "複数の場所の兆候をまとめて見る仕組み"),
            ("en_term", "XDR"),
            ("en", ""),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap_or_default()
            .contains("複数の場所の兆候をまとめて見る仕組み")
    );
    let res = office
        .post(s.url("/standard/glossary"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("term", "XDR"),
            ("ja", "複数の場所の兆候をまとめて見る仕組み"),
            ("en_term", "XDR"),
            ("en", "Detection across many places."),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303);
    assert!(
        !get_text(&office, &s.url("/standard/glossary"))
            .await
            .contains("Detection across many places."),
        "Japanese page shows the Japanese explanation"
    );
    let lead = s.signed_in("lead-x@a-group.example").await;
    let listed = get_text(&lead, &s.url("/standard/frameworks")).await;
    assert!(
        listed.contains("TINY") && !listed.contains("enctype=\"multipart/form-data\""),
        "a lead reads, imports nothing"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_through_the_api() {
    let s = Server::start().await;
    let office = token_for(&s, "office@a-group.example").await;
    let lead = token_for(&s, "lead-x@a-group.example").await;
    let api = reqwest::Client::new();
    let get = |token: &str, path: &str| api.get(s.url(path)).bearer_auth(token).send();

    let current: serde_json::Value = get(&lead, "/api/v1/standard")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(current["state"], "approved");
    assert_eq!(current["items"].as_array().map(Vec::len), Some(40));
    let acc = current["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["code"] == "ACC-01")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            acc["tier"].as_str(),
            acc["criterion"]["value"].as_str(),
            acc["criterion"]["unit"].as_str()
        ),
        (Some("group_mandatory"), Some("5"), Some("営業日"))
    );
    let versions: serde_json::Value = get(&lead, "/api/v1/standard/versions")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (v2, v1) = (
        versions["items"][0]["version"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        versions["items"][1]["version"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    );
    let changes: serde_json::Value = get(
        &lead,
        &format!("/api/v1/standard/compare?from={v1}&to={v2}"),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .json()
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changes["added"], serde_json::json!(["CLD-01", "CLD-02"]));
    assert_eq!(changes["changed"][0]["code"], "VUL-01");
    let oscal = get(&lead, "/api/v1/standard/export?format=oscal")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(oscal.status(), 200);
    let oscal = oscal.bytes().await.unwrap_or_default();

    // A lead may not import; the CISO office's import of a bad file lists every problem.
    let post = |token: &str, path: &str, body: Vec<u8>| {
        api.post(s.url(path)).bearer_auth(token).body(body).send()
    };
    let refused = post(
        &lead,
        "/api/v1/standard/import?format=oscal&dry_run=true",
        oscal.to_vec(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(refused.status(), 403);
    let bad = format!(
        "{HEADER_JA}\nACC-01,名前,分類,z,要求,基準,,,理由,確認,,,,\nACC-02,,分類,a,要求,基準,五,日,理由,確認,,,,\n"
    );
    let res = post(
        &office,
        "/api/v1/standard/import?format=csv&file_name=bad.csv",
        bad.into_bytes(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 422);
    let err: serde_json::Value = res.json().await.unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<&str> = err["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert!(
        paths.contains(&"bad.csv:2 tier")
            && paths.contains(&"bad.csv:3 title")
            && paths.contains(&"bad.csv:3 criterion_value"),
        "{err}"
    );
    // The approved version exported and imported again is what the newest version must
    // become: a dry run against the revision shows the revision's changes undone.
    let dry: serde_json::Value = post(
        &office,
        "/api/v1/standard/import?format=oscal&dry_run=true",
        oscal.to_vec(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .json()
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        dry["changes"]["archived"],
        serde_json::json!(["CLD-01", "CLD-02"]),
        "{dry}"
    );
    assert_eq!(dry["version"], serde_json::Value::Null);

    // Reference frameworks.
    let catalog = br#"{"catalog": {"uuid": "u", "metadata": {"title": "Tiny Catalog", "version": "1.0"},
      "groups": [{"id": "ac", "title": "Access Control", "controls": [{"id": "ac-2", "title": "Account Management"}]}]}}"#;
    let report: serde_json::Value = post(
        &office,
        "/api/v1/frameworks/import?format=oscal&code=TINY",
        catalog.to_vec(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .json()
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (report["outcome"].as_str(), report["controls"].as_u64()),
        (Some("added"), Some(1))
    );
    let list: serde_json::Value = get(&lead, "/api/v1/frameworks")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(list["items"][0]["code"], "TINY");
    let one: serde_json::Value = get(&lead, "/api/v1/frameworks/tiny")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(one["nodes"][1]["ref_id"], "AC-2");
    let broken = post(
        &office,
        "/api/v1/frameworks/import?format=ciso-assistant",
        b"objects: [".to_vec(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(broken.status(), 422);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cisos_office_edits_one_item_into_the_next_version() {
    let s = Server::start().await;
    let office = s.signed_in("office@a-group.example").await;
    let item = get_text(&office, &s.url("/standard/items/ACC-01")).await;
    assert!(item.contains("id=\"edit-item\""), "{item}");
    let lead = s.signed_in("lead-x@a-group.example").await;
    let lead_item = get_text(&lead, &s.url("/standard/items/ACC-01")).await;
    assert!(!lead_item.contains("id=\"edit-item\""));
    let form = get_text(&office, &s.url("/standard/items/ACC-01/edit")).await;
    let csrf = hidden(&form, "_csrf");
    let fields = |criterion: &str, value: &str, tier: &str, title: &str| -> Vec<(String, String)> {
        [
            ("_csrf", csrf.as_str()),
            ("code", "ACC-01"),
            ("title", title),
            ("category", "アクセス管理"),
            ("tier", tier),
            ("requirement", "退職者のアカウントを無効化する。"),
            ("criterion", criterion),
            ("criterion_value", value),
            ("criterion_unit", "営業日"),
            ("rationale", "使われないIDは乗っ取りの入口になるため。"),
            ("check", "退職者一覧とアカウント一覧の突合記録"),
            ("mappings", "NIST-CSF:PR.AA-01\nISO27001:A.5.18"),
            ("_reason", "yearly_plan"),
            ("_change_log", ""),
            ("_next_review_on", "2027-10-01"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    };
    let post = |path: &'static str, form: Vec<(String, String)>| {
        let c = office.clone();
        let url = s.url(path);
        async move {
            let res = c
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = res.status().as_u16();
            let location = res
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (status, location, res.text().await.unwrap_or_default())
        }
    };
    // The revision awaiting the CISO cannot change: the form says so and keeps what was typed.
    let (status, _, page) = post(
        "/standard/items/ACC-01/edit",
        fields(
            "退職日から3営業日以内に無効化する",
            "3",
            "a",
            "退職者アカウントの無効化",
        ),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("承認待ち") && page.contains("3営業日以内"),
        "{page}"
    );
    // The CISO office takes the revision back to draft; now the edit goes into it.
    let standard = get_text(&office, &s.url("/standard?draft=1")).await;
    let v2 = standard
        .split("id=\"version\"")
        .nth(1)
        .unwrap_or_default()
        .split("href=\"/artifacts/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let (status, _, _) = {
        let res = office
            .post(s.url(&format!("/artifacts/{v2}/withdraw")))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (res.status().as_u16(), (), ())
    };
    assert_eq!(status, 303);
    // Bad fields are reported together, nothing saved.
    let (status, _, page) = post("/standard/items/ACC-01/edit", fields("", "3", "z", "")).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("title") && page.contains("tier") && page.contains("criterion"),
        "{page}"
    );
    let (status, location, _) = post(
        "/standard/items/ACC-01/edit",
        fields(
            "退職日から3営業日以内に無効化する",
            "3",
            "a",
            "退職者アカウントの無効化",
        ),
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/standard/items/ACC-01?draft=1")
    );
    let draft = get_text(&office, &s.url("/standard/items/ACC-01?draft=1")).await;
    assert!(draft.contains("3営業日以内"), "{draft}");
    let approved = get_text(&office, &s.url("/standard/items/ACC-01")).await;
    assert!(
        !approved.contains("3営業日以内"),
        "the approved version is untouched"
    );
    // A new item joins the same draft.
    let mut new = fields("年1回以上実施する", "1", "c", "生成AIの利用ルール");
    new[1].1 = "AI-01".into();
    new[3].1 = "クラウド利用".into();
    let (status, location, _) = post("/standard/new-item", new).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/standard/items/AI-01?draft=1")
    );
    assert!(
        get_text(&office, &s.url("/standard?draft=1"))
            .await
            .contains("AI-01")
    );
    // A security lead edits nothing group-wide.
    let res = lead
        .post(s.url("/standard/items/ACC-01/edit"))
        .form(&[("_csrf", hidden(&lead_item, "_csrf").as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 403);
    s.stop().await;
}
