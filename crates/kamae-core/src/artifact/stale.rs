//! Which approved artifacts are stale, and why.
//!
//! The current version of a series is its highest-numbered approved version. It is stale
//! when one of the versions it was made from has been superseded by a newer approved
//! version of the same series — unless that newer version was itself made, directly or
//! through a chain of inputs, from this artifact's current version. Without that exception
//! the cycles of figure 1-3 (A↔E, B↔C, F↔G) would never settle: E v2 made from A v1 must not
//! make A v1 stale again.
//!
//! A current version made from another current version that is stale is stale too
//! ("upstream"), with the chain of versions the change travelled through.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::Serialize;

use crate::ids::{ArtifactSeriesId, ArtifactVersionId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionNode {
    pub id: ArtifactVersionId,
    pub series: ArtifactSeriesId,
    pub number: u32,
    pub approved: bool,
    pub inputs: Vec<ArtifactVersionId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleReason {
    /// The input version that was used, now superseded.
    pub used: ArtifactVersionId,
    /// The newer approved version of that input's series.
    pub newer: ArtifactVersionId,
    /// Current versions the change travelled through before reaching this one, nearest
    /// to the change first; empty when this version used `used` itself.
    pub via: Vec<ArtifactVersionId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleArtifact {
    pub series: ArtifactSeriesId,
    pub version: ArtifactVersionId,
    pub reasons: Vec<StaleReason>,
}

pub fn stale_artifacts(nodes: &[VersionNode]) -> Vec<StaleArtifact> {
    let by_id: HashMap<ArtifactVersionId, &VersionNode> = nodes.iter().map(|n| (n.id, n)).collect();
    let mut current: BTreeMap<ArtifactSeriesId, &VersionNode> = BTreeMap::new();
    for n in nodes.iter().filter(|n| n.approved) {
        let newer = current.get(&n.series).is_none_or(|c| n.number > c.number);
        if newer {
            current.insert(n.series, n);
        }
    }
    let is_current = |id: &ArtifactVersionId| {
        by_id
            .get(id)
            .and_then(|n| current.get(&n.series))
            .is_some_and(|c| c.id == *id)
    };

    let mut reasons: BTreeMap<ArtifactVersionId, Vec<StaleReason>> = BTreeMap::new();
    for c in current.values() {
        let mut found = Vec::new();
        for input in &c.inputs {
            let Some(used) = by_id.get(input) else {
                continue;
            };
            let Some(latest) = current.get(&used.series) else {
                continue;
            };
            if latest.number > used.number && !made_from(latest.id, c.id, &by_id) {
                found.push(StaleReason {
                    used: used.id,
                    newer: latest.id,
                    via: Vec::new(),
                });
            }
        }
        if !found.is_empty() {
            reasons.insert(c.id, found);
        }
    }

    // Breadth first, so that each upstream-stale version gets the shortest chain.
    let mut users: HashMap<ArtifactVersionId, Vec<ArtifactVersionId>> = HashMap::new();
    for c in current.values() {
        for input in &c.inputs {
            users.entry(*input).or_default().push(c.id);
        }
    }
    let mut queue: VecDeque<ArtifactVersionId> = reasons.keys().copied().collect();
    while let Some(v) = queue.pop_front() {
        if !is_current(&v) {
            continue;
        }
        let Some(first) = reasons.get(&v).and_then(|r| r.first()).cloned() else {
            continue;
        };
        for user in users.get(&v).into_iter().flatten() {
            if reasons.contains_key(user) {
                continue;
            }
            let mut via = first.via.clone();
            via.push(v);
            reasons.insert(
                *user,
                vec![StaleReason {
                    used: first.used,
                    newer: first.newer,
                    via,
                }],
            );
            queue.push_back(*user);
        }
    }

    current
        .values()
        .filter_map(|c| {
            reasons.remove(&c.id).map(|r| StaleArtifact {
                series: c.series,
                version: c.id,
                reasons: r,
            })
        })
        .collect()
}

/// Whether `from` was made, directly or through a chain of inputs, from `target`.
fn made_from(
    from: ArtifactVersionId,
    target: ArtifactVersionId,
    by_id: &HashMap<ArtifactVersionId, &VersionNode>,
) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![from];
    while let Some(v) = stack.pop() {
        if !seen.insert(v) {
            continue;
        }
        let Some(node) = by_id.get(&v) else { continue };
        for i in &node.inputs {
            if *i == target {
                return true;
            }
            stack.push(*i);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    struct Graph {
        nodes: Vec<VersionNode>,
    }

    impl Graph {
        fn new() -> Self {
            Self { nodes: Vec::new() }
        }
        fn series() -> ArtifactSeriesId {
            ArtifactSeriesId::from_uuid(Uuid::now_v7())
        }
        fn add(
            &mut self,
            series: ArtifactSeriesId,
            approved: bool,
            inputs: &[ArtifactVersionId],
        ) -> ArtifactVersionId {
            let number = self.nodes.iter().filter(|n| n.series == series).count() as u32 + 1;
            let id = ArtifactVersionId::from_uuid(Uuid::now_v7());
            self.nodes.push(VersionNode {
                id,
                series,
                number,
                approved,
                inputs: inputs.to_vec(),
            });
            id
        }
        fn stale(&self) -> Vec<StaleArtifact> {
            stale_artifacts(&self.nodes)
        }
    }

    #[test]
    fn a_newer_input_makes_its_consumer_stale() {
        let mut g = Graph::new();
        let (a, e) = (Graph::series(), Graph::series());
        let e1 = g.add(e, true, &[]);
        let a1 = g.add(a, true, &[e1]);
        assert!(g.stale().is_empty());
        let e2 = g.add(e, true, &[]);
        assert_eq!(
            g.stale(),
            vec![StaleArtifact {
                series: a,
                version: a1,
                reasons: vec![StaleReason {
                    used: e1,
                    newer: e2,
                    via: vec![]
                }],
            }]
        );
    }

    #[test]
    fn drafts_do_not_make_anything_stale() {
        let mut g = Graph::new();
        let (a, e) = (Graph::series(), Graph::series());
        let e1 = g.add(e, true, &[]);
        g.add(a, true, &[e1]);
        g.add(e, false, &[]);
        assert!(g.stale().is_empty());
    }

    #[test]
    fn an_a_e_round_trip_settles() {
        let mut g = Graph::new();
        let (a, e) = (Graph::series(), Graph::series());
        let e1 = g.add(e, true, &[]);
        let a1 = g.add(a, true, &[e1]);
        // E is revised from A's objectives: A must not be stale again.
        let e2 = g.add(e, true, &[a1]);
        assert!(g.stale().is_empty());
        // Next year: A revised from E v2, then E from A v2 — still settled.
        let a2 = g.add(a, true, &[e2]);
        g.add(e, true, &[a2]);
        assert!(g.stale().is_empty());
    }

    #[test]
    fn a_chain_through_a_third_artifact_also_counts() {
        let mut g = Graph::new();
        let (a, b, e) = (Graph::series(), Graph::series(), Graph::series());
        let e1 = g.add(e, true, &[]);
        let a1 = g.add(a, true, &[e1]);
        let b1 = g.add(b, true, &[a1]);
        let e2 = g.add(e, true, &[b1]);
        // E v2 came from B v1, which came from A v1: A has seen it coming.
        assert!(g.stale().iter().all(|s| s.series != a), "{:?}", g.stale());
        let _ = e2;
    }

    #[test]
    fn staleness_travels_upstream_with_its_path() {
        let mut g = Graph::new();
        let (a, b, e) = (Graph::series(), Graph::series(), Graph::series());
        let e1 = g.add(e, true, &[]);
        let a1 = g.add(a, true, &[e1]);
        let b1 = g.add(b, true, &[a1]);
        let e2 = g.add(e, true, &[]);
        let stale = g.stale();
        let b_stale = stale.iter().find(|s| s.series == b);
        assert_eq!(
            b_stale.map(|s| s.reasons.clone()),
            Some(vec![StaleReason {
                used: e1,
                newer: e2,
                via: vec![a1]
            }])
        );
        // Once A is revised from E v2, B is stale directly: A v2 replaced the A v1 it used.
        let a2 = g.add(a, true, &[e2]);
        let stale = g.stale();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].version, b1);
        assert_eq!(
            stale[0].reasons,
            vec![StaleReason {
                used: a1,
                newer: a2,
                via: vec![]
            }]
        );
    }

    #[test]
    fn older_approved_versions_are_superseded_not_stale() {
        let mut g = Graph::new();
        let (a, e) = (Graph::series(), Graph::series());
        let e1 = g.add(e, true, &[]);
        g.add(a, true, &[e1]);
        let e2 = g.add(e, true, &[]);
        let a2 = g.add(a, true, &[e2]);
        assert!(g.stale().is_empty());
        let _ = a2;
    }
}
