//! `kamae standard` and `kamae framework` as the CISO office uses them: real files in
//! every format, round trips, and files that are wrong in every way we could think of.

mod common;

use std::path::Path;

use common::*;

fn versions(dir: &Path) -> usize {
    json(&ok(as_office(dir, &["standard", "versions", "--json"])))
        .as_array()
        .map_or(0, Vec::len)
}

const HEADER_JA: &str = "項目ID,項目名,分類,区分,要求事項,基準,基準値,単位,なぜ必要か,確認方法,代替策,適用,推奨製品・サービス,外部基準との対応";

fn three_items() -> String {
    format!(
        "{HEADER_JA}\n\
         ACC-01,退職者アカウントの無効化,アクセス管理,a,退職者のIDを無効化する,退職日から5営業日以内,5,営業日,放置されたIDは乗っ取られても気づかれない,退職者一覧とIDの突合記録,,,,NIST-CSF:PR.AA-05\n\
         DAT-01,不要な顧客データの廃棄,データ保護,b,不要になった顧客データを廃棄する,不要になってから1か月以内,1,か月,持っていないデータは漏れない,廃棄記録,暗号化して隔離保管する,個人顧客を持つ会社,,ISO27001:A.8.10\n\
         NET-01,UTMの設置,ネットワーク,c,拠点の出口にUTMを置く,全拠点,,,外からの攻撃を入口で止める,機器台帳,,,\"UTM-A（年額30万円）; UTM-B\",METI:5\n"
    )
}

#[test]
fn the_standard_round_trips_through_every_format() {
    let dir = own_group();
    let d = dir.path();
    // Templates, with headers in either language, that read back.
    ok(as_office(
        d,
        &[
            "standard",
            "template",
            "--format",
            "csv",
            "--out",
            &path(d, "t.csv"),
        ],
    ));
    let template = std::fs::read(d.join("t.csv")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        template.starts_with(&[0xEF, 0xBB, 0xBF]),
        "CSV out is UTF-8 with a BOM"
    );
    assert!(String::from_utf8_lossy(&template).contains("項目ID"));
    ok(as_office(
        d,
        &[
            "standard",
            "template",
            "--format",
            "xlsx",
            "--out",
            &path(d, "t.xlsx"),
            "--headers",
            "en",
        ],
    ));
    ok(as_office(
        d,
        &["standard", "import", &path(d, "t.xlsx"), "--dry-run"],
    ));

    // A Shift_JIS file from an older Excel: a dry run shows, and writes nothing.
    let items = three_items();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&items);
    std::fs::write(d.join("items.csv"), &sjis).unwrap_or_else(|e| panic!("{e}"));
    let dry = json(&ok(as_office(
        d,
        &[
            "standard",
            "import",
            &path(d, "items.csv"),
            "--dry-run",
            "--json",
        ],
    )));
    assert_eq!(
        dry["added"],
        serde_json::json!(["ACC-01", "DAT-01", "NET-01"])
    );
    assert_eq!(dry["version"], serde_json::Value::Null);
    assert_eq!(versions(d), 0, "a dry run writes nothing");
    let text = ok(as_office(
        d,
        &["standard", "import", &path(d, "items.csv"), "--dry-run"],
    ));
    assert!(
        text.contains("+ DAT-01") && text.contains("added: 3"),
        "{text}"
    );

    // The import is a draft; the same file again changes nothing.
    let first = json(&ok(as_office(
        d,
        &[
            "standard",
            "import",
            &path(d, "items.csv"),
            "--json",
            "--reason",
            "yearly_plan",
            "--next-review",
            "2027-10-01",
        ],
    )));
    let v1 = first["version"]
        .as_str()
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let again = json(&ok(as_office(
        d,
        &["standard", "import", &path(d, "items.csv"), "--json"],
    )));
    assert_eq!(
        (again["version"].clone(), again["unchanged"].clone()),
        (serde_json::Value::Null, serde_json::json!(3))
    );
    let shown = json(&ok(as_office(
        d,
        &["standard", "show", "--draft", "--json"],
    )));
    assert_eq!(shown["items"][2]["options"][0]["name"], "UTM-A");
    assert_eq!(shown["items"][2]["options"][0]["cost_note"], "年額30万円");
    assert_eq!(shown["meta"]["next_review_on"], "2027-10-01");

    // Exported in any format and imported again, it is the same standard.
    for (format, file, headers) in [
        ("csv", "out.csv", "en"),
        ("xlsx", "out.xlsx", "ja"),
        ("oscal", "out.json", "ja"),
    ] {
        ok(as_office(
            d,
            &[
                "standard",
                "export",
                "--draft",
                "--format",
                format,
                "--out",
                &path(d, file),
                "--headers",
                headers,
            ],
        ));
        let back = json(&ok(as_office(
            d,
            &["standard", "import", &path(d, file), "--json"],
        )));
        assert_eq!(back["version"], serde_json::Value::Null, "{format}: {back}");
        assert_eq!(back["unchanged"], 3, "{format}: {back}");
    }

    // Approval, then a revision that drops an item: archived in the new version, kept in the old.
    ok(as_office(d, &["artifact", "submit", &v1]));
    let no_approved = as_office(
        d,
        &[
            "standard",
            "export",
            "--format",
            "csv",
            "--out",
            &path(d, "x.csv"),
        ],
    );
    fails(&no_approved);
    ok(kamae(d, &["--as", CISO, "artifact", "approve", &v1]));
    let two: String = three_items()
        .lines()
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(d.join("two.csv"), two).unwrap_or_else(|e| panic!("{e}"));
    let revised = json(&ok(as_office(
        d,
        &["standard", "import", &path(d, "two.csv"), "--json"],
    )));
    assert_eq!(revised["archived"], serde_json::json!(["NET-01"]));
    let v2 = revised["version"]
        .as_str()
        .unwrap_or_else(|| panic!("{revised}"))
        .to_owned();
    let compared = json(&ok(as_office(
        d,
        &["standard", "compare", &v1, &v2, "--json"],
    )));
    assert_eq!(compared["archived"], serde_json::json!(["NET-01"]));
    let approved = json(&ok(as_office(d, &["standard", "show", "--json"])));
    assert_eq!(approved["items"].as_array().map(Vec::len), Some(3));
    let draft = json(&ok(as_office(
        d,
        &["standard", "show", "--draft", "--json"],
    )));
    assert_eq!(draft["items"].as_array().map(Vec::len), Some(2));
    assert!(
        draft["meta"]["change_log"]
            .as_str()
            .is_some_and(|l| l.contains("NET-01")),
        "{draft}"
    );

    // Anyone else in the group reads the standard and changes nothing of it.
    ok(kamae(d, &["--as", VIEWER, "standard", "show"]));
    fails(&kamae(
        d,
        &["--as", VIEWER, "standard", "import", &path(d, "items.csv")],
    ));
}

#[test]
fn bad_files_say_where_and_write_nothing() {
    let dir = own_group();
    let d = dir.path();
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        (
            "missing-column.csv",
            "項目ID,項目名\nACC-01,x\n".into(),
            &["分類", "category"],
        ),
        (
            "bad-rows.csv",
            format!(
                "{HEADER_JA}\nACC-01,名前,分類,z,要求,基準,,,理由,確認,,,,\nACC-02,,分類,a,要求,基準,五,日,理由,確認,,,,ISO27001:A.9.1\nACC-01,名前,分類,a,要求,基準,,,理由,確認,,,,\n"
            )
            .into(),
            &["2行目", "row 2", "3行目", "row 3", "4行目", "row 4", "A.9.1"],
        ),
        ("ragged.csv", format!("{HEADER_JA}\nACC-01,\"unclosed\n").into(), &["ragged.csv"]),
        ("empty.csv", Vec::new(), &["empty.csv"]),
        ("not-excel.xlsx", b"PK\x03\x04 this is not a workbook".to_vec(), &["not-excel.xlsx"]),
        ("not-json.json", b"{\"catalog\": [}".to_vec(), &["not-json.json", "$"]),
        ("foreign.json", br#"{"catalog": {"uuid": "u", "metadata": {"title": "t"}, "controls": [{"id": "a", "title": "A"}]}}"#.to_vec(), &["kamae framework import"]),
        ("unknown.txt", b"x".to_vec(), &["--format"]),
    ];
    for (name, bytes, expected) in cases {
        std::fs::write(d.join(name), &bytes).unwrap_or_else(|e| panic!("{e}"));
        let r = as_office(d, &["standard", "import", &path(d, name)]);
        fails(&r);
        for e in expected {
            assert!(
                r.stderr.contains(e),
                "{name}: {e} missing from\n{}",
                r.stderr
            );
        }
    }
    assert_eq!(versions(d), 0, "nothing was written");
    // An export neutralises what a spreadsheet would run.
    let evil =
        format!("{HEADER_JA}\nACC-01,=HYPERLINK(\"http://x\"),分類,a,+cmd,基準,,,@SUM(1),-1,,,,\n");
    std::fs::write(d.join("evil.csv"), evil).unwrap_or_else(|e| panic!("{e}"));
    ok(as_office(d, &["standard", "import", &path(d, "evil.csv")]));
    ok(as_office(
        d,
        &[
            "standard",
            "export",
            "--draft",
            "--format",
            "csv",
            "--out",
            &path(d, "evil-out.csv"),
        ],
    ));
    let out = std::fs::read_to_string(d.join("evil-out.csv")).unwrap_or_else(|e| panic!("{e}"));
    for cell in ["'=HYPERLINK", "'+cmd", "'@SUM(1)", "'-1"] {
        assert!(out.contains(cell), "{cell} in {out}");
    }
    let back = json(&ok(as_office(
        d,
        &["standard", "import", &path(d, "evil-out.csv"), "--json"],
    )));
    assert_eq!(
        back["unchanged"], 1,
        "neutralised cells read back as written: {back}"
    );
}

const TINY_OSCAL: &str = r#"{"catalog": {"uuid": "00000000-0000-4000-8000-000000000001",
  "metadata": {"title": "Tiny Catalog", "version": "1.0", "oscal-version": "1.1.2", "last-modified": "2026-01-01T00:00:00Z"},
  "groups": [{"id": "ac", "title": "Access Control", "controls": [
    {"id": "ac-2", "title": "Account Management", "props": [{"name": "label", "value": "AC-2"}],
     "controls": [{"id": "ac-2.1", "title": "Automated", "props": [{"name": "label", "value": "AC-2(1)"}]}]}]}]}}"#;

#[test]
fn reference_frameworks_from_the_command_line() {
    let dir = own_group();
    let d = dir.path();
    std::fs::write(d.join("tiny.json"), TINY_OSCAL).unwrap_or_else(|e| panic!("{e}"));
    let dry = json(&ok(as_office(
        d,
        &[
            "framework",
            "import",
            &path(d, "tiny.json"),
            "--dry-run",
            "--json",
        ],
    )));
    assert_eq!(
        (dry["outcome"].as_str(), dry["controls"].as_u64()),
        (Some("added"), Some(2))
    );
    let listed = json(&ok(as_office(d, &["framework", "list", "--json"])));
    assert_eq!(listed.as_array().map(Vec::len), Some(0));
    ok(as_office(
        d,
        &[
            "framework",
            "import",
            &path(d, "tiny.json"),
            "--code",
            "TINY",
        ],
    ));
    let again = json(&ok(as_office(
        d,
        &[
            "framework",
            "import",
            &path(d, "tiny.json"),
            "--code",
            "TINY",
            "--json",
        ],
    )));
    assert_eq!(again["outcome"], "unchanged");
    let shown = ok(as_office(d, &["framework", "show", "tiny"]));
    assert!(shown.contains("AC-2(1) Automated"), "{shown}");

    // Items may now map to it; a control it lacks is refused.
    let mapped = format!("{HEADER_JA}\nACC-01,名前,分類,a,要求,基準,,,理由,確認,,,,TINY:AC-2(1)\n");
    std::fs::write(d.join("mapped.csv"), mapped).unwrap_or_else(|e| panic!("{e}"));
    ok(as_office(
        d,
        &["standard", "import", &path(d, "mapped.csv"), "--dry-run"],
    ));
    let unmapped = format!("{HEADER_JA}\nACC-01,名前,分類,a,要求,基準,,,理由,確認,,,,TINY:AC-99\n");
    std::fs::write(d.join("unmapped.csv"), unmapped).unwrap_or_else(|e| panic!("{e}"));
    let r = as_office(d, &["standard", "import", &path(d, "unmapped.csv")]);
    fails(&r);
    assert!(r.stderr.contains("AC-99"), "{}", r.stderr);

    // Broken libraries name the place, and change nothing.
    std::fs::write(
        d.join("broken.yaml"),
        "objects:\n  framework:\n    requirement_nodes:\n    - ref_id: X\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = as_office(d, &["framework", "import", &path(d, "broken.yaml")]);
    fails(&r);
    assert!(
        r.stderr.contains("requirement_nodes[0]") && r.stderr.contains("urn"),
        "{}",
        r.stderr
    );
    assert_eq!(
        json(&ok(as_office(d, &["framework", "list", "--json"])))
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    fails(&kamae(
        d,
        &["--as", VIEWER, "framework", "import", &path(d, "tiny.json")],
    ));

    // The real published files, when they are here.
    let shared = std::env::var_os("KAMAE_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let low = shared
        .join("fixtures/oscal/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json");
    let csf = shared.join("fixtures/ciso-assistant/nist-csf-2.0.yaml");
    if !low.exists() || !csf.exists() {
        eprintln!(
            "skipped: the published files are absent under {}",
            shared.display()
        );
        return;
    }
    ok(as_office(
        d,
        &[
            "framework",
            "import",
            &low.display().to_string(),
            "--code",
            "SP800-53-LOW",
        ],
    ));
    ok(as_office(
        d,
        &["framework", "import", &csf.display().to_string()],
    ));
    let list = json(&ok(as_office(d, &["framework", "list", "--json"])));
    let counts: Vec<(String, u64, u64)> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["controls"].as_u64().unwrap_or_default(),
                f["assessable"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        counts.contains(&("SP800-53-LOW".into(), 149, 149)),
        "{counts:?}"
    );
    assert!(
        counts.contains(&("NIST-CSF-2-0".into(), 134, 106)),
        "{counts:?}"
    );
}
