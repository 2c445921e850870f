//! The JSON API over real HTTP with real API tokens.

mod support;

use serde_json::{Value, json};
use support::*;

async fn get(s: &Server, token: &str, path: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let res = reqwest::Client::new()
        .get(s.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, res.json().await.unwrap_or(Value::Null), headers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_lead_sees_only_x_and_other_companies_do_not_exist() {
    let s = Server::start().await;
    let lead = token_for(&s, "lead-x@a-group.example").await;
    let ciso = token_for(&s, "ciso@a-group.example").await;
    let (status, body, headers) = get(&s, &lead, "/api/v1/companies").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec!["X社"]);
    assert!(body["next"].is_null());
    // The request id travels in a header, never in the body.
    let rid = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(!rid.is_empty() && !body.to_string().contains(&rid));
    let (_, all, _) = get(&s, &ciso, "/api/v1/companies?limit=500").await;
    let all = all["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 11, "the CISO sees every company of A社グループ");
    let other = all
        .iter()
        .find(|c| c["code"] == "B")
        .map(|c| c["id"].as_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    let (status_hidden, hidden, _) = get(&s, &lead, &format!("/api/v1/companies/{other}")).await;
    let (status_missing, missing, _) = get(
        &s,
        &lead,
        "/api/v1/companies/01a22300-0000-7000-8000-000000000000",
    )
    .await;
    assert_eq!((status_hidden, status_missing), (404, 404));
    assert_eq!(
        hidden, missing,
        "an invisible company answers exactly like a missing one"
    );
    let (status, x, _) = get(&s, &ciso, &format!("/api/v1/companies/{other}")).await;
    assert_eq!(status, 200);
    assert_eq!(x["code"], "B");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_with_opaque_cursors() {
    let s = Server::start().await;
    let ciso = token_for(&s, "ciso@a-group.example").await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/sites?limit=7".to_owned();
    loop {
        let (status, body, _) = get(&s, &ciso, &path).await;
        assert_eq!(status, 200, "{body}");
        let items = body["items"].as_array().cloned().unwrap_or_default();
        assert!(items.len() <= 7);
        seen.extend(
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned)),
        );
        match body["next"].as_str() {
            Some(next) => path = format!("/api/v1/sites?limit=7&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 30, "every site once");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 30);
    let (status, body, _) = get(&s, &ciso, "/api/v1/sites?limit=0").await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "invalid_limit");
    assert_eq!(body["details"][0]["path"], "limit");
    let (status, body, _) = get(&s, &ciso, "/api/v1/sites?limit=501").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_limit"))
    );
    let (status, body, _) = get(&s, &ciso, "/api/v1/sites?cursor=nonsense").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_cursor"))
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_speak_the_callers_language_and_need_a_token() {
    let s = Server::start().await;
    let client = reqwest::Client::new();
    let res = client
        .get(s.url("/api/v1/companies"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(body["code"], "token_required");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("APIトークン")
    );
    let res = client
        .get(s.url("/api/v1/companies"))
        .bearer_auth("not-a-token")
        .header("accept-language", "en")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(body["code"], "invalid_token");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("the API token"),
        "{body}"
    );
    let res = client
        .get(s.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(body["code"], "not_found");
    // Administration is for administrators; to others it does not exist.
    let ciso = token_for(&s, "ciso@a-group.example").await;
    let admin = token_for(&s, "admin@a-group.example").await;
    assert_eq!(get(&s, &ciso, "/api/v1/users").await.0, 404);
    let (status, users, _) = get(&s, &admin, "/api/v1/users").await;
    assert_eq!(status, 200);
    assert!(users["items"].as_array().is_some_and(|u| u.len() == 9));
    let (status, grants, _) = get(&s, &admin, "/api/v1/grants?limit=3").await;
    assert_eq!(status, 200);
    assert!(grants["next"].is_string());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn artifacts_are_written_submitted_and_decided_through_the_api() {
    use reqwest::Method;
    let s = Server::start().await;
    let office = token_for(&s, "office@a-group.example").await;
    let ceo = token_for(&s, "ceo@a-group.example").await;
    let (status, body) = send(
        &s,
        &office,
        Method::POST,
        "/api/v1/artifacts",
        json!({"kind": "risk_assessment", "title": "API から", "body": "# 本文"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap_or("").to_owned();
    assert_eq!(body["state"], "draft");
    assert_eq!(body["role"], "E");
    // Unknown fields and bad kinds are refused with where the problem is.
    let (status, body) = send(
        &s,
        &office,
        Method::POST,
        "/api/v1/artifacts",
        json!({"kind": "risk_assessment", "title": "x", "colour": "red"}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_body")));
    assert_eq!(body["details"][0]["path"], "body");
    let (status, body) = send(
        &s,
        &office,
        Method::POST,
        "/api/v1/artifacts",
        json!({"kind": "poem", "title": "x"}),
    )
    .await;
    assert_eq!(
        (status, body["details"][0]["path"].as_str()),
        (422, Some("kind"))
    );
    let (status, body) = send(
        &s,
        &office,
        Method::PUT,
        &format!("/api/v1/artifacts/{id}"),
        json!({"title": "API から（改）", "body": "# 本文\n\n追記"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = send(
        &s,
        &office,
        Method::POST,
        &format!("/api/v1/artifacts/{id}/submit"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, inbox, _) = get(&s, &ceo, "/api/v1/approvals").await;
    assert!(
        inbox["items"]
            .as_array()
            .is_some_and(|i| i.iter().any(|a| a["latest"]["id"] == id.as_str()))
    );
    let (status, body) = send(
        &s,
        &ceo,
        Method::POST,
        &format!("/api/v1/approvals/{id}/reject"),
        json!({"reason": ""}),
    )
    .await;
    assert_eq!(
        (status, body["details"][0]["path"].as_str()),
        (422, Some("reason"))
    );
    let (status, body) = send(
        &s,
        &office,
        Method::POST,
        &format!("/api/v1/approvals/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let (status, body) = send(
        &s,
        &ceo,
        Method::POST,
        &format!("/api/v1/approvals/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["state"], "approved");
    let (_, list, _) = get(&s, &office, "/api/v1/artifacts").await;
    let a = list["items"]
        .as_array()
        .and_then(|i| i.iter().find(|a| a["kind"] == "risk_assessment"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(a["current"]["id"], id.as_str());
    assert_eq!(a["stale"], false);
    let (status, history, _) = get(
        &s,
        &office,
        &format!("/api/v1/history/artifact_version/{id}"),
    )
    .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = history["items"]
        .as_array()
        .map(|h| h.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        actions.contains(&"submit") && actions.contains(&"approve"),
        "{actions:?}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_covers_every_route_and_schema() {
    let s = Server::start().await;
    let doc: Value = reqwest::get(s.url("/api/v1/openapi.json"))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null);
    assert_eq!(doc["openapi"], "3.1.0");
    // Client generators name their functions by operation id: each must be unique.
    let mut ids: Vec<String> = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
        .filter_map(|ops| ops.as_object())
        .flat_map(|ops| ops.values())
        .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids repeat: {ids:?}");
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for expected in [
        "/api/v1/companies",
        "/api/v1/companies/{id}",
        "/api/v1/sites",
        "/api/v1/departments",
        "/api/v1/people",
        "/api/v1/users",
        "/api/v1/grants",
        "/api/v1/approvals",
        "/api/v1/approvals/{id}/approve",
        "/api/v1/approvals/{id}/reject",
        "/api/v1/artifacts",
        "/api/v1/artifacts/{id}",
        "/api/v1/artifacts/{id}/submit",
        "/api/v1/history/{kind}/{id}",
        "/api/v1/openapi.json",
        "/api/v1/standard",
        "/api/v1/standard/versions",
        "/api/v1/standard/compare",
        "/api/v1/standard/export",
        "/api/v1/standard/import",
        "/api/v1/frameworks",
        "/api/v1/frameworks/{framework}",
        "/api/v1/frameworks/import",
        "/api/v1/glossary",
        "/api/v1/glossary/archive",
        "/api/v1/quant/run",
        "/api/v1/quant/breach",
        "/api/v1/standard/items",
        "/api/v1/standard/items/{item}",
        "/api/v1/advice",
        "/api/v1/advice/{id}",
        "/api/v1/advice/{id}/follow-ups/{n}",
        "/api/v1/advice/{id}/archive",
        "/api/v1/watch",
        "/api/v1/watch/{id}",
        "/api/v1/watch/{id}/no-change",
        "/api/v1/watch/{id}/revision",
        "/api/v1/watch/{id}/archive",
        "/api/v1/standard/companies",
        "/api/v1/standard/companies/{company}",
        "/api/v1/standard/companies/{company}/agreement",
        "/api/v1/standard/companies/{company}/agreement/submit",
        "/api/v1/standard/companies/{company}/agreement/withdraw",
        "/api/v1/standard/companies/{company}/agreement/approve",
        "/api/v1/standard/companies/{company}/agreement/reject",
        "/api/v1/exceptions",
        "/api/v1/exceptions/{id}",
        "/api/v1/exceptions/{id}/submit",
        "/api/v1/exceptions/{id}/withdraw",
        "/api/v1/exceptions/{id}/approve",
        "/api/v1/exceptions/{id}/reject",
        "/api/v1/exceptions/{id}/archive",
        "/api/v1/exceptions/{id}/milestones/{n}",
        "/api/v1/risk/matrices",
        "/api/v1/risk/matrices/{matrix}",
        "/api/v1/risk/matrices/import",
        "/api/v1/risk/assessments",
        "/api/v1/risk/assessments/{id}",
        "/api/v1/risk/assessments/{id}/risks",
        "/api/v1/risk/assessments/{id}/risks/{code}",
        "/api/v1/risk/assessments/{id}/risks/{code}/confirm",
        "/api/v1/risk/assessments/{id}/risks/{code}/archive",
        "/api/v1/risk/assessments/{id}/copy",
        "/api/v1/risk/assessments/{id}/context",
        "/api/v1/risk/assessments/{id}/report",
        "/api/v1/risk/assessments/{id}/quant",
        "/api/v1/risk/assessments/{id}/business-cases",
        "/api/v1/business-cases",
        "/api/v1/business-cases/{id}",
        "/api/v1/business-cases/{id}/evaluations",
        "/api/v1/investment-evaluations/{id}",
        "/api/v1/cases",
        "/api/v1/cases/{code}",
        "/api/v1/cases/{code}/archive",
        "/api/v1/risk/context",
        "/api/v1/risk/context/{id}",
        "/api/v1/risk/context/{id}/archive",
        "/api/v1/risk/assessments/{id}/plans",
        "/api/v1/risk/plans/{id}",
        "/api/v1/risk/plans/{id}/treatments/{code}",
        "/api/v1/risk/plans/{id}/treatments/{code}/actions/{n}",
        "/api/v1/risk/plans/{id}/review",
    ] {
        assert!(
            paths.contains(&expected.to_owned()),
            "{expected} missing from the document"
        );
    }
    assert_eq!(
        paths.len(),
        82,
        "a route in the document that the test does not know: {paths:?}"
    );
    // Every schema referred to is defined.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for part in text.split("\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap_or("");
        assert!(
            schemas.contains_key(name),
            "schema {name} is referred to but not defined"
        );
    }
    // Every route in the document answers (not 404/405) with a token.
    let token = token_for(&s, "ciso@a-group.example").await;
    for p in &paths {
        for (method, _) in doc["paths"][p].as_object().cloned().unwrap_or_default() {
            let url = s.url(
                &p.replace("{id}", "01a22300-0000-7000-8000-000000000000")
                    .replace("{kind}", "company"),
            );
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())
                .unwrap_or(reqwest::Method::GET);
            let res = reqwest::Client::new()
                .request(m, url)
                .bearer_auth(&token)
                .json(&json!({}))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_ne!(res.status(), 405, "{method} {p}");
        }
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exceptions_are_recorded_and_accepted_through_the_api() {
    use reqwest::Method;
    let s = Server::start().await;
    let lead = token_for(&s, "lead-x@a-group.example").await;
    let ciso = token_for(&s, "ciso@a-group.example").await;
    let viewer_b = token_for(&s, "viewer-b@a-group.example").await;
    let mut request = json!({
        "company_code": "X", "kind": "transitional", "title": "API からの移行措置",
        "items": ["NET-01", "NOPE-99"], "reason": "更改待ち", "compensating": "監視強化",
        "starts_on": "2026-12-01", "expires_on": "2026-11-30",
        "milestones": [{"what": "UTM 導入", "owner": "情シス", "due_on": "2027-13-01"}],
    });
    // Every problem at once, each with where it is.
    let (status, body) = send(
        &s,
        &lead,
        Method::POST,
        "/api/v1/exceptions",
        request.clone(),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let paths: Vec<&str> = body["details"]
        .as_array()
        .map(|d| d.iter().filter_map(|p| p["path"].as_str()).collect())
        .unwrap_or_default();
    assert!(paths.contains(&"milestones[0].due_on"), "{body}");
    request["milestones"][0]["due_on"] = json!("2027-03-01");
    let (status, body) = send(
        &s,
        &lead,
        Method::POST,
        "/api/v1/exceptions",
        request.clone(),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let text = body.to_string();
    assert!(
        text.contains("NOPE-99") && text.contains("expires_on"),
        "{body}"
    );
    request["items"] = json!(["NET-01"]);
    request["expires_on"] = json!("2027-05-31");
    let (status, body) = send(
        &s,
        &lead,
        Method::POST,
        "/api/v1/exceptions",
        request.clone(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (
            body["approval_state"].as_str(),
            body["group_mandatory"].as_bool()
        ),
        (Some("draft"), Some(true))
    );
    let id = body["id"].as_str().unwrap_or_default().to_owned();
    let (status, _) = send(
        &s,
        &lead,
        Method::POST,
        &format!("/api/v1/exceptions/{id}/submit"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    // The lead cannot accept a group-mandatory item's risk; the CISO can, and is named.
    let (status, body) = send(
        &s,
        &lead,
        Method::POST,
        &format!("/api/v1/exceptions/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    let (status, body) = send(
        &s,
        &ciso,
        Method::POST,
        &format!("/api/v1/exceptions/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["approval_state"], "approved");
    assert!(body["accepted_by"].is_string(), "{body}");
    // An approved one does not change; it is renewed by a new record.
    let (status, _) = send(
        &s,
        &lead,
        Method::PUT,
        &format!("/api/v1/exceptions/{id}"),
        request.clone(),
    )
    .await;
    assert_eq!(status, 409);
    let (status, body) = send(
        &s,
        &lead,
        Method::POST,
        &format!("/api/v1/exceptions/{id}/milestones/0"),
        json!({"done_on": "2026-11-20"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["milestones"][0]["done_on"], "2026-11-20");
    // The lists: X社's expired verbal agreement, and nothing of X社 for B社's viewer.
    let (_, expired, _) = get(&s, &lead, "/api/v1/exceptions?list=expired").await;
    let titles: Vec<&str> = expired["items"]
        .as_array()
        .map(|i| i.iter().filter_map(|e| e["title"].as_str()).collect())
        .unwrap_or_default();
    assert!(titles.iter().any(|t| t.contains("口頭合意")), "{titles:?}");
    assert!(titles.iter().all(|t| !t.contains("API から")), "{titles:?}");
    let (status, body, _) = get(&s, &lead, "/api/v1/exceptions?list=someday").await;
    assert_eq!(
        (status, body["details"][0]["path"].as_str()),
        (422, Some("list"))
    );
    let (status, _, _) = get(&s, &viewer_b, &format!("/api/v1/exceptions/{id}")).await;
    assert_eq!(status, 404, "B社 does not see X社's record");
    let (_, b, _) = get(&s, &viewer_b, "/api/v1/exceptions").await;
    assert!(
        b["items"]
            .as_array()
            .is_some_and(|i| i.iter().all(|e| e["company_code"] == "B")),
        "{b}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applicability_is_read_and_agreed_through_the_api() {
    use reqwest::Method;
    let s = Server::start().await;
    let lead = token_for(&s, "lead-x@a-group.example").await;
    let ciso = token_for(&s, "ciso@a-group.example").await;
    let (status, x, _) = get(&s, &lead, "/api/v1/standard/companies/X").await;
    assert_eq!(status, 200, "{x}");
    let net = x["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["code"] == "NET-01"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (net["applies"].as_str(), net["non_compliance"].as_bool()),
        (Some("group_mandatory"), Some(true))
    );
    assert!(
        x["revision"]["undecided"]
            .as_array()
            .is_some_and(|u| u.iter().any(|c| c == "CLD-02")),
        "{x}"
    );
    let (status, _, _) = get(&s, &lead, "/api/v1/standard/companies/B").await;
    assert_eq!(status, 404);
    let (_, list, _) = get(&s, &lead, "/api/v1/standard/companies").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");

    let path = "/api/v1/standard/companies/X/agreement";
    let (status, body) = send(
        &s,
        &lead,
        Method::PUT,
        path,
        json!({"mandatory": ["NET-01"], "adopted": ["bad code!"]}),
    )
    .await;
    assert_eq!(
        (status, body["details"][0]["path"].as_str()),
        (422, Some("adopted[0]")),
        "{body}"
    );
    let (status, body) = send(
        &s,
        &lead,
        Method::PUT,
        path,
        json!({"mandatory": ["NET-01"]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("NET-01"), "{body}");
    let (status, body) = send(
        &s,
        &lead,
        Method::PUT,
        path,
        json!({"mandatory": ["OT-01", "DAT-01"], "note": "API"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["approval_state"], "draft");
    let (status, _) = send(
        &s,
        &lead,
        Method::POST,
        &format!("{path}/submit"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = send(
        &s,
        &lead,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let (status, body) = send(
        &s,
        &ciso,
        Method::POST,
        &format!("{path}/reject"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body["details"][0]["path"].as_str()),
        (422, Some("reason")),
        "{body}"
    );
    let (status, body) = send(
        &s,
        &ciso,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["mandatory"], json!(["DAT-01", "OT-01"]));
    let (status, body) = send(
        &s,
        &ciso,
        Method::POST,
        &format!("{path}/approve"),
        json!({}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("nothing_open")));
    let (_, x, _) = get(&s, &lead, "/api/v1/standard/companies/X").await;
    assert_eq!(x["agreement"]["mandatory"], json!(["DAT-01", "OT-01"]));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn advice_and_the_watch_list_through_the_api() {
    use reqwest::Method;
    let s = Server::start().await;
    let manager = token_for(&s, "manager-ec@x-apparel.example").await;
    let office = token_for(&s, "office@x-apparel.example").await;
    let (_, list, _) = get(&s, &manager, "/api/v1/advice").await;
    let ec = list["items"][0].clone();
    assert_eq!(ec["department_code"], "XA-EC");
    assert!(
        ec["items"]
            .as_array()
            .is_some_and(|i| i.iter().any(|c| c == "VUL-02")),
        "{ec}"
    );
    assert_eq!(
        (ec["status"].as_str(), ec["overdue"].as_u64()),
        (Some("following_up"), Some(1))
    );
    let id = ec["id"].as_str().unwrap_or_default().to_owned();
    // A new request from the department, then the advice with a bad follow-up date.
    let mut body = json!({"department_code": "XA-EC", "kind": "business_plan", "title": "来期の会員施策",
        "request": "会員データの活用", "requested_on": "2026-11-01",
        "documents": [{"title": "会員施策案", "location": "共有フォルダ"}]});
    let (status, created) = send(&s, &manager, Method::POST, "/api/v1/advice", body.clone()).await;
    assert_eq!(status, 201, "{created}");
    let new_id = created["id"].as_str().unwrap_or_default().to_owned();
    body["advice"] = json!("DAT-01 の廃棄期限を守る設計にする");
    body["advised_on"] = json!("2026-11-10");
    body["follow_ups"] =
        json!([{"what": "廃棄手順の確認", "owner": "EC事業部", "due_on": "2026-02-30"}]);
    let (status, err) = send(
        &s,
        &office,
        Method::PUT,
        &format!("/api/v1/advice/{new_id}"),
        body.clone(),
    )
    .await;
    assert_eq!(
        (status, err["details"][0]["path"].as_str()),
        (422, Some("follow_ups[0].due_on")),
        "{err}"
    );
    body["follow_ups"][0]["due_on"] = json!("2027-02-28");
    let (status, advised) = send(
        &s,
        &office,
        Method::PUT,
        &format!("/api/v1/advice/{new_id}"),
        body,
    )
    .await;
    assert_eq!(status, 200, "{advised}");
    assert_eq!(advised["status"], "following_up");
    let (status, done) = send(
        &s,
        &manager,
        Method::POST,
        &format!("/api/v1/advice/{id}/follow-ups/1"),
        json!({"status": "done"}),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["overdue"], 0);
    // Another group: not found.
    let outsider = token_for(&s, "office@a-group.example").await;
    let (status, _, _) = get(&s, &outsider, &format!("/api/v1/advice/{id}")).await;
    assert_eq!(status, 404);

    // The watch list: the CISO office records and settles; a lead reads only.
    let lead = token_for(&s, "lead-x@a-group.example").await;
    let entry = json!({"kind": "technology", "title": "生成AIの業務利用", "source": "各社ヒアリング", "published_on": "2026-10-01", "items": ["CLD-01"]});
    let (status, body) = send(&s, &lead, Method::POST, "/api/v1/watch", entry.clone()).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let (status, created) = send(&s, &outsider, Method::POST, "/api/v1/watch", entry).await;
    assert_eq!(status, 201, "{created}");
    let wid = created["id"].as_str().unwrap_or_default().to_owned();
    let (status, body) = send(
        &s,
        &outsider,
        Method::POST,
        &format!("/api/v1/watch/{wid}/no-change"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body["details"][0]["path"].as_str()),
        (422, Some("reason"))
    );
    // The revision awaiting the CISO cannot take more in until it is decided.
    let (status, body) = send(
        &s,
        &outsider,
        Method::POST,
        &format!("/api/v1/watch/{wid}/revision"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("awaiting_decision")),
        "{body}"
    );
    let (_, list, _) = get(&s, &lead, "/api/v1/watch").await;
    let cloud = list["items"]
        .as_array()
        .and_then(|i| i.iter().find(|e| e["status"] == "revision"))
        .cloned()
        .unwrap_or_default();
    assert!(cloud["revision_version"].is_string(), "{list}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_item_is_edited_through_the_api_into_the_next_version() {
    use reqwest::Method;
    let s = Server::start().await;
    let office = token_for(&s, "office@a-group.example").await;
    let ciso = token_for(&s, "ciso@a-group.example").await;
    let lead = token_for(&s, "lead-x@a-group.example").await;
    let mut item = json!({
        "code": "ACC-01", "title": "退職者アカウントの無効化", "category": "アクセス管理", "tier": "q",
        "requirement": "退職者のアカウントを無効化する。",
        "criterion": {"text": "退職日から3営業日以内", "value": "3", "unit": "営業日"},
        "rationale": "使われないIDは乗っ取りの入口になるため。", "check": "突合記録",
        "mappings": ["NIST-CSF:PR.AA-01"], "reason": "yearly_plan"
    });
    let path = "/api/v1/standard/items/ACC-01";
    let (status, body) = send(&s, &office, Method::PUT, path, item.clone()).await;
    assert_eq!(
        (status, body["details"][0]["path"].as_str()),
        (422, Some("tier")),
        "{body}"
    );
    item["tier"] = json!("a");
    // The revision awaiting the CISO cannot change until it is decided.
    let (status, body) = send(&s, &office, Method::PUT, path, item.clone()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("awaiting_decision")),
        "{body}"
    );
    let (_, newest, _) = get(&s, &office, "/api/v1/standard?draft=true").await;
    let v2 = newest["version"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, _) = send(
        &s,
        &ciso,
        Method::POST,
        &format!("/api/v1/approvals/{v2}/reject"),
        json!({"reason": "ACC-01の期限も見直すこと"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = send(&s, &office, Method::PUT, path, item.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], v2.as_str(), "into the sent-back revision");
    assert!(
        body["changes"]["changed"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["code"] == "ACC-01")),
        "{body}"
    );
    let (_, approved, _) = get(&s, &office, "/api/v1/standard").await;
    let acc = approved["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["code"] == "ACC-01"))
        .cloned()
        .unwrap_or_default();
    assert_ne!(
        acc["criterion"]["value"], "3",
        "the approved version is untouched"
    );
    // A missing item, and a lead, are refused.
    let (status, _) = send(
        &s,
        &office,
        Method::PUT,
        "/api/v1/standard/items/NOPE-9",
        item.clone(),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(&s, &lead, Method::PUT, path, item).await;
    assert_eq!(status, 403);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_runs_on_the_server_within_its_cap() {
    let s = Server::start().await;
    let token = token_for(&s, "office@x-apparel.example").await;
    let post = |body: &'static str| {
        let url = s.url("/api/v1/quant/run");
        let token = token.clone();
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, out) = post(
        r#"{"trials": 50000, "seed": 42, "thresholds": [1e8], "scenarios": [{"name": "story 2",
            "frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
            "magnitude": {"bins": [[1e8, 5e8, 0.6], [1e6, 1e8, 0.4]]}}]}"#,
    )
    .await;
    assert_eq!(status, 200, "{out}");
    let p = out["exceedance"][0]["probability"].as_f64().unwrap_or(0.0);
    assert!((p - 0.21).abs() < 0.02, "{out}");
    assert!(out["lec"].as_array().is_some_and(|l| !l.is_empty()));
    let (status, out) = post(
        r#"{"trials": 5000000, "scenarios": [{"name": "a", "frequency": {"poisson": 1}, "magnitude": {"uniform": [1, 2]}}]}"#,
    )
    .await;
    assert_eq!(
        (status, out["details"][0]["path"].as_str()),
        (422, Some("trials")),
        "{out}"
    );
    let (status, out) = post(
        r#"{"scenarios": [{"name": "a", "frequency": {"poisson": 1}, "magnitude": {"pert": [3, 2, 1]}}]}"#,
    )
    .await;
    assert_eq!(
        (status, out["details"][0]["path"].as_str()),
        (422, Some("scenarios[0].magnitude.pert")),
        "{out}"
    );
    // JNSA's per-person model: a name and address cost 6,000 yen a person.
    let (status, out) = send(
        &s,
        &token,
        reqwest::Method::POST,
        "/api/v1/quant/breach",
        serde_json::json!({"people": 150_000, "economic_loss": 1, "mental_distress": 1,
            "identifiability": "easy"}),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        (out["per_person"].as_f64(), out["total"].as_f64()),
        (Some(6_000.0), Some(900_000_000.0))
    );
    let (status, out) = send(
        &s,
        &token,
        reqwest::Method::POST,
        "/api/v1/quant/breach",
        serde_json::json!({"people": 1, "economic_loss": 4, "mental_distress": 1,
            "identifiability": "easy"}),
    )
    .await;
    assert_eq!(
        (status, out["details"][0]["path"].as_str()),
        (422, Some("economic_loss")),
        "{out}"
    );
    s.stop().await;
}
