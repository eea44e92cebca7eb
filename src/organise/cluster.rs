//! Average-link agglomerative clustering over a sparse similarity graph.
//!
//! Connected components over "similar enough" pairs chain: A≈B and B≈C put
//! A and C together even when they have nothing in common. Average link
//! merges two clusters only while the *mean* similarity over all their
//! cross pairs stays at or above the threshold, so one strong link cannot
//! drag a whole cluster along. Pairs missing from the graph count as 0.
//!
//! The clustering honours author overrides: must-link groups start as one
//! cluster, and cannot-link labels forbid a merge that would put two
//! separated entries together.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::analysis::FastHashMap;

/// Author decisions the clustering must respect.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Groups of entries that must end up in one cluster.
    pub must_link: Vec<Vec<usize>>,
    /// Per entry, `(group, item)` labels: two entries with the same group
    /// and different items must never share a cluster.
    pub cannot_link: Vec<Vec<(usize, usize)>>,
    /// Number of cannot-link groups in use: the next free group id.
    pub groups: usize,
}

impl Constraints {
    /// Keeps entries `a` and `b` apart, with a new cannot-link group.
    pub fn keep_apart(&mut self, a: usize, b: usize) {
        let group = self.groups;
        self.groups += 1;
        let needed = a.max(b) + 1;
        if self.cannot_link.len() < needed {
            self.cannot_link.resize(needed, Vec::new());
        }
        self.cannot_link[a].push((group, 0));
        self.cannot_link[b].push((group, 1));
    }

    /// True when a cannot-link group keeps `a` and `b` apart.
    pub fn separates(&self, a: usize, b: usize) -> bool {
        let (Some(a), Some(b)) = (self.cannot_link.get(a), self.cannot_link.get(b)) else { return false };
        a.iter().any(|&(group, item)| b.iter().any(|&(g, i)| g == group && i != item))
    }

    /// True when a must-link group holds both `a` and `b`.
    pub fn must_join(&self, a: usize, b: usize) -> bool {
        self.must_link.iter().any(|group| group.contains(&a) && group.contains(&b))
    }
}

/// One cluster while clustering.
#[derive(Debug, Default)]
struct Cluster {
    members: Vec<usize>,
    /// Sum of pair similarities to each neighbouring cluster.
    links: FastHashMap<usize, f64>,
    cannot_link: Vec<(usize, usize)>,
    /// Bumped on every merge, so queued pairs computed before it are stale.
    version: u32,
    alive: bool,
}

/// A queued merge: the average similarity of two clusters at two versions.
#[derive(Debug, PartialEq)]
struct Candidate {
    average: f64,
    a: usize,
    b: usize,
    versions: (u32, u32),
}

impl Eq for Candidate {}

impl Ord for Candidate {
    /// Highest average first; ties go to the lowest ids so runs are stable.
    fn cmp(&self, other: &Self) -> Ordering {
        self.average.total_cmp(&other.average).then_with(|| (other.a, other.b).cmp(&(self.a, self.b)))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Clusters `count` entries given the scored pairs `edges` (`(a, b, sim)`),
/// merging while the best average link is at least `threshold`.
///
/// Returns the clusters, each sorted, ordered by their first member.
pub fn average_link(
    count: usize,
    edges: impl IntoIterator<Item = (usize, usize, f64)>,
    threshold: f64,
    constraints: &Constraints,
) -> Vec<Vec<usize>> {
    let cluster_of = initial_assignment(count, &constraints.must_link);
    let mut clusters: Vec<Cluster> = (0..count).map(|_| Cluster::default()).collect();
    for (entry, &cluster) in cluster_of.iter().enumerate() {
        clusters[cluster].members.push(entry);
        clusters[cluster].alive = true;
        if let Some(labels) = constraints.cannot_link.get(entry) {
            clusters[cluster].cannot_link.extend(labels);
        }
    }
    // An entry without any link at or above the threshold can never merge:
    // its mean link to any cluster is at most its best link. Unless it
    // starts in a must-link group, its links are dropped up front, which
    // leaves a small fraction of a large corpus to cluster.
    let edges: Vec<(usize, usize, f64)> = edges.into_iter().collect();
    let mut can_merge: Vec<bool> = cluster_of.iter().map(|&cluster| clusters[cluster].members.len() > 1).collect();
    for &(a, b, similarity) in &edges {
        if similarity >= threshold {
            can_merge[a] = true;
            can_merge[b] = true;
        }
    }
    for (a, b, similarity) in edges {
        let (ca, cb) = (cluster_of[a], cluster_of[b]);
        if ca != cb && can_merge[a] && can_merge[b] {
            *clusters[ca].links.entry(cb).or_default() += similarity;
            *clusters[cb].links.entry(ca).or_default() += similarity;
        }
    }

    let mut queue = BinaryHeap::new();
    for a in 0..count {
        let neighbours: Vec<usize> = clusters[a].links.keys().copied().filter(|&b| a < b).collect();
        for b in neighbours {
            push_if_close(&mut queue, &clusters, a, b, threshold);
        }
    }
    while let Some(candidate) = queue.pop() {
        let (a, b) = (candidate.a, candidate.b);
        let current =
            clusters[a].alive && clusters[b].alive && (clusters[a].version, clusters[b].version) == candidate.versions;
        if !current || conflicts(&clusters[a], &clusters[b]) {
            continue;
        }
        merge(&mut clusters, a, b);
        let neighbours: Vec<usize> = clusters[a].links.keys().copied().collect();
        for other in neighbours {
            push_if_close(&mut queue, &clusters, a.min(other), a.max(other), threshold);
        }
    }

    let mut result: Vec<Vec<usize>> = clusters
        .into_iter()
        .filter(|c| c.alive)
        .map(|mut c| {
            c.members.sort_unstable();
            c.members
        })
        .collect();
    result.sort_unstable_by_key(|members| members[0]);
    result
}

/// The starting cluster of every entry: its own, or the first entry of its
/// must-link group (groups sharing an entry join up).
fn initial_assignment(count: usize, must_link: &[Vec<usize>]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..count).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for group in must_link {
        for pair in group.windows(2) {
            let (ra, rb) = (root(&mut parent, pair[0]), root(&mut parent, pair[1]));
            // The smaller index is the root, so cluster ids are stable.
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    (0..count).map(|x| root(&mut parent, x)).collect()
}

fn push_if_close(queue: &mut BinaryHeap<Candidate>, clusters: &[Cluster], a: usize, b: usize, threshold: f64) {
    let sum = clusters[a].links.get(&b).copied().unwrap_or(0.0);
    let pairs = (clusters[a].members.len() * clusters[b].members.len()) as f64;
    let average = sum / pairs;
    if average >= threshold {
        queue.push(Candidate { average, a, b, versions: (clusters[a].version, clusters[b].version) });
    }
}

/// True when merging would put two separated entries in one cluster.
fn conflicts(a: &Cluster, b: &Cluster) -> bool {
    a.cannot_link.iter().any(|&(group, item)| b.cannot_link.iter().any(|&(g, i)| g == group && i != item))
}

/// Moves cluster `b` into cluster `a`, adding up their links.
fn merge(clusters: &mut [Cluster], a: usize, b: usize) {
    let absorbed = std::mem::take(&mut clusters[b]);
    clusters[a].members.extend(absorbed.members);
    clusters[a].cannot_link.extend(absorbed.cannot_link);
    clusters[a].links.remove(&b);
    for (other, sum) in absorbed.links {
        if other == a {
            continue;
        }
        *clusters[a].links.entry(other).or_default() += sum;
        let neighbour = &mut clusters[other].links;
        neighbour.remove(&b);
        *neighbour.entry(a).or_default() += sum;
    }
    clusters[a].version += 1;
    // `take` left `b` as a default cluster: not alive, no links.
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_link_does_not_chain() {
        // 0-1 and 1-2 are close, 0-2 unrelated: the mean link from {0,1} to 2
        // is (0 + 0.6) / 2 = 0.3, under the threshold.
        let edges = [(0, 1, 0.9), (1, 2, 0.6)];
        let clusters = average_link(3, edges, 0.5, &Constraints::default());
        assert_eq!(clusters, [vec![0, 1], vec![2]]);
    }

    #[test]
    fn close_groups_merge() {
        let edges = [(0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.7), (3, 4, 0.2)];
        let clusters = average_link(5, edges, 0.5, &Constraints::default());
        assert_eq!(clusters, [vec![0, 1, 2], vec![3], vec![4]]);
    }

    #[test]
    fn must_link_and_cannot_link_are_honoured() {
        let constraints = Constraints {
            must_link: vec![vec![3, 4]],
            cannot_link: vec![vec![(0, 0)], vec![(0, 1)], vec![], vec![], vec![]],
            groups: 1,
        };
        let clusters = average_link(5, [(0, 1, 0.95)], 0.5, &constraints);
        assert_eq!(clusters, [vec![0], vec![1], vec![2], vec![3, 4]]);
    }

    #[test]
    fn kept_apart_pairs_never_share_a_cluster() {
        // 1 and 2 are kept apart, so 2 cannot join {0, 1} however close.
        let mut constraints = Constraints::default();
        constraints.keep_apart(1, 2);
        let clusters = average_link(3, [(0, 1, 0.9), (0, 2, 0.9), (1, 2, 0.9)], 0.5, &constraints);
        assert_eq!(clusters, [vec![0, 1], vec![2]]);
        assert!(!constraints.must_join(1, 2));
        assert!(constraints.separates(2, 1) && !constraints.separates(0, 1));
    }
}
