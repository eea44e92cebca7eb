//! A cluster's links while clustering: the sum of pair similarities to
//! each neighbouring cluster, sorted by cluster id.
//!
//! Sorted vectors rather than hash maps: merging two is one linear pass, and
//! relinking a neighbour moves a few entries within one allocation instead
//! of hashing into two tables. Ids and sums are kept apart because finding
//! a neighbour's link to one cluster is a binary search, the inner loop of
//! every merge: over four-byte ids it reads a quarter of the memory it read
//! over (id, sum) pairs, and a large cluster's links are mostly out of cache.

use std::cmp::Ordering;

/// Cluster ids in [`Links`]: 32 bits are plenty for any corpus.
pub type ClusterId = u32;

/// Links of one cluster, sorted by neighbour id.
#[derive(Debug, Clone, Default)]
pub struct Links {
    clusters: Vec<ClusterId>,
    sums: Vec<f64>,
}

fn id(cluster: usize) -> ClusterId {
    ClusterId::try_from(cluster).expect("fewer than 2^32 clusters")
}

impl Links {
    /// Links from unsorted `(neighbour, similarity)` pairs, adding up the
    /// similarities to each neighbour in the order they came.
    pub fn from_pairs(mut pairs: Vec<(usize, f64)>) -> Links {
        // Stable, so each neighbour's similarities are added in edge order.
        pairs.sort_by_key(|&(cluster, _)| cluster);
        let mut links = Links { clusters: Vec::with_capacity(pairs.len()), sums: Vec::with_capacity(pairs.len()) };
        for (cluster, similarity) in pairs {
            match links.clusters.last() {
                Some(&last) if last as usize == cluster => {
                    *links.sums.last_mut().expect("sums match ids") += similarity
                }
                _ => {
                    links.clusters.push(id(cluster));
                    links.sums.push(similarity);
                }
            }
        }
        links
    }

    /// Each link as `(neighbour, sum)`, by neighbour.
    pub fn iter(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.clusters.iter().zip(&self.sums).map(|(&cluster, &sum)| (cluster as usize, sum))
    }

    /// The sum of the link to `cluster`, if there is one.
    pub fn sum_to(&self, cluster: usize) -> Option<f64> {
        self.position(cluster).ok().map(|at| self.sums[at])
    }

    fn position(&self, cluster: usize) -> Result<usize, usize> {
        self.clusters.binary_search(&id(cluster))
    }

    /// The links of two clusters being merged, added up neighbour by
    /// neighbour, without links to the two clusters themselves.
    pub fn union(x: &Links, y: &Links, merged: [usize; 2]) -> Links {
        let capacity = x.clusters.len() + y.clusters.len();
        let mut union = Links { clusters: Vec::with_capacity(capacity), sums: Vec::with_capacity(capacity) };
        let merged = merged.map(id);
        let mut push = |cluster: ClusterId, sum: f64| {
            if !merged.contains(&cluster) {
                union.clusters.push(cluster);
                union.sums.push(sum);
            }
        };
        let (mut i, mut j) = (0, 0);
        while i < x.clusters.len() && j < y.clusters.len() {
            let (cx, cy) = (x.clusters[i], y.clusters[j]);
            match cx.cmp(&cy) {
                Ordering::Less => {
                    push(cx, x.sums[i]);
                    i += 1;
                }
                Ordering::Greater => {
                    push(cy, y.sums[j]);
                    j += 1;
                }
                Ordering::Equal => {
                    push(cx, x.sums[i] + y.sums[j]);
                    (i, j) = (i + 1, j + 1);
                }
            }
        }
        let rest_of_x = x.clusters[i..].iter().zip(&x.sums[i..]);
        for (&cluster, &sum) in rest_of_x.chain(y.clusters[j..].iter().zip(&y.sums[j..])) {
            push(cluster, sum);
        }
        union
    }

    /// In the links of a neighbour of `from`, moves the link to `from` onto
    /// `to`, adding `sum` to what `to` already had; returns the sum of the
    /// link to `to`.
    pub fn relink(&mut self, from: usize, to: usize, sum: f64) -> f64 {
        match (self.position(from), self.position(to)) {
            (from_at, Ok(existing)) => {
                self.sums[existing] += sum;
                let total = self.sums[existing];
                if let Ok(at) = from_at {
                    self.clusters.remove(at);
                    self.sums.remove(at);
                }
                total
            }
            // Slide the entries between the two places along by one, so the
            // slot of `from` becomes the slot of `to` with nothing reallocated.
            (Ok(at), Err(place)) if place <= at => {
                self.clusters[place..=at].rotate_right(1);
                self.sums[place..=at].rotate_right(1);
                (self.clusters[place], self.sums[place]) = (id(to), sum);
                sum
            }
            (Ok(at), Err(place)) => {
                self.clusters[at..place].rotate_left(1);
                self.sums[at..place].rotate_left(1);
                (self.clusters[place - 1], self.sums[place - 1]) = (id(to), sum);
                sum
            }
            // Links are symmetric, so a neighbour of `from` links to it; kept
            // correct without that all the same.
            (Err(_), Err(place)) => {
                self.clusters.insert(place, id(to));
                self.sums.insert(place, sum);
                sum
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(links: &Links) -> Vec<(usize, f64)> {
        links.iter().collect()
    }

    #[test]
    fn links_add_up_by_neighbour_in_order() {
        let links = Links::from_pairs(vec![(7, 0.5), (1, 0.25), (7, 0.125), (4, 0.25), (1, 0.25)]);
        assert_eq!(pairs(&links), [(1, 0.5), (4, 0.25), (7, 0.625)]);
        assert_eq!(links.sum_to(4), Some(0.25));
        assert_eq!(links.sum_to(5), None);
    }

    #[test]
    fn relinking_keeps_links_sorted_and_adds_up() {
        let links = Links::from_pairs(vec![(1, 0.5), (4, 0.25), (7, 0.5), (9, 0.125)]);
        // `to` already linked: the sums add up and `from` goes.
        let mut merged = links.clone();
        assert_eq!(merged.relink(9, 4, 0.125), 0.375);
        assert_eq!(pairs(&merged), [(1, 0.5), (4, 0.375), (7, 0.5)]);
        // `to` new, before `from` and after it.
        let mut before = links.clone();
        assert_eq!(before.relink(7, 2, 0.5), 0.5);
        assert_eq!(pairs(&before), [(1, 0.5), (2, 0.5), (4, 0.25), (9, 0.125)]);
        let mut after = links.clone();
        assert_eq!(after.relink(1, 8, 0.5), 0.5);
        assert_eq!(pairs(&after), [(4, 0.25), (7, 0.5), (8, 0.5), (9, 0.125)]);
        // Neither linked: `to` goes in its place.
        let mut neither = links.clone();
        assert_eq!(neither.relink(3, 5, 0.25), 0.25);
        assert_eq!(pairs(&neither), [(1, 0.5), (4, 0.25), (5, 0.25), (7, 0.5), (9, 0.125)]);
    }

    #[test]
    fn the_union_adds_up_shared_neighbours_and_drops_the_merged_pair() {
        let x = Links::from_pairs(vec![(1, 0.5), (3, 0.25)]);
        let y = Links::from_pairs(vec![(0, 0.5), (3, 0.5), (5, 1.0)]);
        assert_eq!(pairs(&Links::union(&x, &y, [0, 5])), [(1, 0.5), (3, 0.75)]);
        assert_eq!(pairs(&Links::union(&y, &x, [1, 9])), [(0, 0.5), (3, 0.75), (5, 1.0)]);
    }
}
