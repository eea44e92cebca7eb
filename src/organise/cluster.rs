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

mod links;

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use links::Links;

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
    links: Links,
    cannot_link: Vec<(usize, usize)>,
    /// The merge this cluster would make first, as last worked out: its
    /// best link (see [`Candidate::cmp`]) at or above the threshold that no
    /// cannot-link forbids. Merges since can have lowered it, never raised
    /// it (see [`Clustering::merge`]): the merge loop checks it still holds
    /// before making it.
    best: Option<Candidate>,
    /// Bumped whenever `best` changes, so queued bests before it are stale.
    stamp: u32,
    alive: bool,
}

/// A possible merge: clusters `a < b` and the average similarity of their
/// cross pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Candidate {
    average: f64,
    a: usize,
    b: usize,
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

/// A queued cluster best: `owner`'s [`Cluster::best`] as of `stamp`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Queued {
    candidate: Candidate,
    owner: usize,
    stamp: u32,
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
    let kept = |&(a, b, _): &(usize, usize, f64)| cluster_of[a] != cluster_of[b] && can_merge[a] && can_merge[b];
    // Sized up front: growing fifty thousand vectors a step at a time cost
    // as much as filling them.
    let mut degree = vec![0; count];
    for &(a, b, _) in edges.iter().filter(|e| kept(e)) {
        degree[cluster_of[a]] += 1;
        degree[cluster_of[b]] += 1;
    }
    let mut pairs: Vec<Vec<(usize, f64)>> = degree.into_iter().map(Vec::with_capacity).collect();
    for (a, b, similarity) in edges.iter().copied().filter(kept) {
        let (ca, cb) = (cluster_of[a], cluster_of[b]);
        pairs[ca].push((cb, similarity));
        pairs[cb].push((ca, similarity));
    }
    for (cluster, pairs) in clusters.iter_mut().zip(pairs) {
        cluster.links = Links::from_pairs(pairs);
    }

    // Always merging the best pair of all is the same as always merging
    // the best of the clusters' bests. Queueing one best per cluster, not
    // every pair, keeps the queue as small as the number of clusters:
    // popping from a queue of every pair was most of the clustering time.
    let sizes = clusters.iter().map(|c| c.members.len()).collect();
    let labelled = clusters.iter().map(|c| !c.cannot_link.is_empty()).collect();
    let mut state = Clustering {
        clusters,
        sizes,
        absorbed_into: (0..count).collect(),
        stale: vec![false; count],
        labelled,
        queue: BinaryHeap::with_capacity(count),
        threshold,
    };
    for cluster in 0..count {
        if state.clusters[cluster].alive {
            state.renew_best(cluster);
        }
    }
    // A cluster's queued best is exact when queued and stays an upper
    // bound on its best merge: a merge elsewhere only lowers the average
    // link of the clusters it touches (see `Clustering::merge`). So the top
    // of the queue, once checked to still hold, is the best merge of all,
    // and a merge need not revisit every neighbour of the merged cluster.
    while let Some(queued) = state.queue.pop() {
        let owner = &state.clusters[queued.owner];
        if !owner.alive || owner.stamp != queued.stamp {
            continue;
        }
        if !state.still_holds(queued.owner, queued.candidate) {
            state.renew_best(queued.owner);
            continue;
        }
        let Candidate { a, b, .. } = queued.candidate;
        state.merge(a, b);
    }

    let clusters = state.clusters;
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

/// The clusters while merging, with what picks the next merge.
///
/// A merge updates the two clusters it joins, not their neighbours: a
/// neighbour's links keep naming the absorbed cluster until the neighbour
/// is next looked at, when [`Clustering::compact`] adds them up under the
/// cluster that absorbed it. Moving a link in every neighbour's list at
/// every merge read lists scattered over memory, and was half of the
/// clustering time at 50,000 entries.
struct Clustering {
    clusters: Vec<Cluster>,
    /// Member count of each cluster, apart from the rest because reading
    /// it for every link is the inner loop.
    sizes: Vec<usize>,
    /// The cluster each absorbed cluster went into (itself while alive),
    /// a union-find forest.
    absorbed_into: Vec<usize>,
    /// Whether a cluster's links may name absorbed clusters.
    stale: Vec<bool>,
    /// Whether a cluster has cannot-link labels: most have none, and
    /// checking here spares reading the cluster for every link.
    labelled: Vec<bool>,
    /// The clusters' bests, stale ones included (see [`Cluster::stamp`]).
    queue: BinaryHeap<Queued>,
    threshold: f64,
}

impl Clustering {
    /// The merge of `cluster` with its neighbour `other`, given the sum of
    /// their pair similarities, if their average link reaches the threshold
    /// and no cannot-link forbids it.
    fn linked(&self, cluster: usize, other: usize, sum: f64) -> Option<Candidate> {
        let (a, b) = (cluster.min(other), cluster.max(other));
        let average = sum / (self.sizes[a] * self.sizes[b]) as f64;
        let forbidden = || self.labelled[a] && self.labelled[b] && conflicts(&self.clusters[a], &self.clusters[b]);
        (average >= self.threshold && !forbidden()).then_some(Candidate { average, a, b })
    }

    /// Whether `candidate`, queued as the best merge of `owner`, is still a
    /// merge `owner` can make with the same average link.
    fn still_holds(&mut self, owner: usize, candidate: Candidate) -> bool {
        let partner = if candidate.a == owner { candidate.b } else { candidate.a };
        if !self.clusters[partner].alive {
            return false;
        }
        self.compact(owner);
        self.clusters[owner]
            .links
            .sum_to(partner)
            .is_some_and(|sum| self.linked(owner, partner, sum) == Some(candidate))
    }

    /// Moves cluster `b` into cluster `a`, adding up their links, and
    /// renews the bests this can raise.
    ///
    /// The average link of the merged cluster to a neighbour `c` is the
    /// size-weighted mean of `a`'s and `b`'s, so it is at most the larger
    /// of the two: queued bests stay upper bounds. Only `a`'s best is worked
    /// out again, and each neighbour of `b` weighs its new link to `a`,
    /// which it had not seen (and which rounding could lift a hair above
    /// the mean).
    fn merge(&mut self, a: usize, b: usize) {
        self.compact(a);
        self.compact(b);
        let absorbed = std::mem::take(&mut self.clusters[b]);
        let merged = &mut self.clusters[a];
        merged.members.extend(absorbed.members);
        merged.cannot_link.extend(absorbed.cannot_link);
        merged.links = Links::union(&std::mem::take(&mut merged.links), &absorbed.links, [a, b]);
        self.sizes[a] += std::mem::take(&mut self.sizes[b]);
        self.absorbed_into[b] = a;
        self.labelled[a] |= self.labelled[b];
        // `take` left `b` as a default cluster: not alive, no links.
        for (other, _) in absorbed.links.iter() {
            if other == a {
                continue;
            }
            // Its links still name `b`.
            self.stale[other] = true;
            let total = self.clusters[a].links.sum_to(other).expect("the merged cluster keeps every link of `b`");
            if let Some(candidate) = self.linked(other, a, total) {
                if self.clusters[other].best.is_none_or(|best| candidate > best) {
                    self.set_best(other, Some(candidate));
                }
            }
        }
        self.renew_best(a);
    }

    /// Adds up the links of `cluster` that name absorbed clusters under
    /// the clusters that absorbed them (see [`Links::relabel`]).
    fn compact(&mut self, cluster: usize) {
        if !std::mem::take(&mut self.stale[cluster]) {
            return;
        }
        let mut links = std::mem::take(&mut self.clusters[cluster].links);
        links.relabel(|other| self.root(other), cluster);
        self.clusters[cluster].links = links;
    }

    /// The live cluster that `cluster` is now part of.
    fn root(&mut self, mut cluster: usize) -> usize {
        while self.absorbed_into[cluster] != cluster {
            let next = self.absorbed_into[cluster];
            self.absorbed_into[cluster] = self.absorbed_into[next];
            cluster = next;
        }
        cluster
    }

    /// Works out the best merge of `cluster` from all its links again.
    fn renew_best(&mut self, cluster: usize) {
        self.compact(cluster);
        let links = &self.clusters[cluster].links;
        let best = links.iter().filter_map(|(other, sum)| self.linked(cluster, other, sum)).max();
        self.set_best(cluster, best);
    }

    /// Records `best` as the best merge of `cluster` and queues it.
    fn set_best(&mut self, cluster: usize, best: Option<Candidate>) {
        let state = &mut self.clusters[cluster];
        state.best = best;
        state.stamp += 1;
        if let Some(candidate) = best {
            self.queue.push(Queued { candidate, owner: cluster, stamp: state.stamp });
        }
    }
}

/// True when merging would put two separated entries in one cluster.
fn conflicts(a: &Cluster, b: &Cluster) -> bool {
    a.cannot_link.iter().any(|&(group, item)| b.cannot_link.iter().any(|&(g, i)| g == group && i != item))
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

    /// Average link the slow, obvious way: every step scores every pair of
    /// clusters from the edges and merges the best one allowed.
    fn reference(
        count: usize,
        edges: &[(usize, usize, f64)],
        threshold: f64,
        constraints: &Constraints,
    ) -> Vec<Vec<usize>> {
        let mut clusters: Vec<Vec<usize>> = (0..count).map(|e| vec![e]).collect();
        for group in &constraints.must_link {
            for pair in group.windows(2) {
                let x = clusters.iter().position(|c| c.contains(&pair[0])).expect("every entry has a cluster");
                let y = clusters.iter().position(|c| c.contains(&pair[1])).expect("every entry has a cluster");
                if x != y {
                    let members = clusters.remove(x.max(y));
                    clusters[x.min(y)].extend(members);
                    clusters[x.min(y)].sort_unstable();
                }
            }
        }
        loop {
            let mut best: Option<(f64, usize, usize)> = None;
            for x in 0..clusters.len() {
                for y in x + 1..clusters.len() {
                    let (cx, cy) = (&clusters[x], &clusters[y]);
                    let sum: f64 = edges
                        .iter()
                        .filter(|&&(a, b, _)| {
                            (cx.contains(&a) && cy.contains(&b)) || (cx.contains(&b) && cy.contains(&a))
                        })
                        .map(|e| e.2)
                        .sum();
                    let average = sum / (cx.len() * cy.len()) as f64;
                    let separated = cx.iter().any(|&a| cy.iter().any(|&b| constraints.separates(a, b)));
                    // Clusters are named by their smallest member.
                    let ids = (cx[0].min(cy[0]), cx[0].max(cy[0]));
                    let better = best.is_none_or(|(avg, a, b)| average > avg || (average == avg && ids < (a, b)));
                    if average >= threshold && !separated && better {
                        best = Some((average, ids.0, ids.1));
                    }
                }
            }
            let Some((_, a, b)) = best else { break };
            let absorbed = clusters.iter().position(|c| c[0] == b).expect("cluster b exists");
            let members = clusters.remove(absorbed);
            let into = clusters.iter().position(|c| c[0] == a).expect("cluster a exists");
            clusters[into].extend(members);
            clusters[into].sort_unstable();
        }
        clusters.sort_unstable_by_key(|c| c[0]);
        clusters
    }

    proptest::proptest! {
        #[test]
        fn matches_the_obvious_algorithm(
            raw in proptest::collection::vec((0..10usize, 0..10usize, 1..=8u8), 0..40),
            apart in proptest::option::of((0..10usize, 0..10usize)),
            together in proptest::option::of(proptest::collection::vec(0..10usize, 2..4)),
        ) {
            // Eighths add up exactly, so the order of additions cannot
            // break a tie differently.
            let mut seen = std::collections::HashSet::new();
            let edges: Vec<(usize, usize, f64)> = raw
                .into_iter()
                .filter(|&(a, b, _)| a != b && seen.insert((a.min(b), a.max(b))))
                .map(|(a, b, s)| (a.min(b), a.max(b), f64::from(s) / 8.0))
                .collect();
            let mut constraints = Constraints::default();
            if let Some((a, b)) = apart.filter(|(a, b)| a != b) {
                constraints.keep_apart(a, b);
            }
            if let Some(mut group) = together {
                group.sort_unstable();
                group.dedup();
                constraints.must_link.push(group);
            }
            let expected = reference(10, &edges, 0.5, &constraints);
            proptest::prop_assert_eq!(average_link(10, edges.iter().copied(), 0.5, &constraints), expected);
        }
    }
}
