//! Typed identifiers. Every record id is a UUID (version 7, so ids sort by creation),
//! stored as text; a `CompanyId` can never be passed where a `SiteId` is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Problem;

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident => $ja:literal, $en:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = Problem;
            fn from_str(s: &str) -> Result<Self, Problem> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| {
                    Problem::new(
                        "invalid_id",
                        format!("{}のIDとして正しくありません: {s:?}", $ja),
                        format!("not a valid {} id: {s:?}", $en),
                    )
                })
            }
        }
    )*};
}

typed_id! {
    GroupId => "グループ", "group";
    CompanyId => "会社", "company";
    SiteId => "拠点", "site";
    DepartmentId => "部門", "department";
    PersonId => "人員", "person";
    UserId => "ユーザー", "user";
    GrantId => "権限付与", "grant";
    RelationshipId => "取引関係", "business relationship";
    StaffId => "セキュリティ担当", "security staff assignment";
    ArtifactSeriesId => "成果物", "artifact";
    ArtifactVersionId => "成果物の版", "artifact version";
    TokenId => "APIトークン", "API token";
    ReferenceFrameworkId => "参照する枠組み", "reference framework";
    ExceptionId => "例外・移行措置", "exception";
    AgreementId => "適用範囲の合意", "applicability agreement";
    AdviceId => "助言", "advice";
    WatchEntryId => "動向の記録", "watch list entry";
    RiskMatrixId => "リスクマトリクス", "risk matrix";
    AssetId => "情報資産", "information asset";
    ContextFactorId => "組織の状況", "context factor";
}
