//! A cluster's links while clustering: the sum of pair similarities to
//! each neighbouring cluster, sorted by cluster id.
//!
//! Sorted vectors rather than hash maps: merging two is one linear pass, and
//! renaming the neighbours that merges absorbed moves a few entries within
//! one allocation. Ids and sums are kept apart because finding a
//! neighbour's link to one cluster is a binary search, the inner loop of
//! every merge: over four-byte ids it reads a quarter of the memory it read
//! over (id, sum) pairs.

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

    /// Renames each neighbour `n` to `rename(n)`, adding up the links that
    /// end up naming one cluster and dropping those that name `dropped`.
    ///
    /// A renamed neighbour never has a smaller id than its new name (a
    /// merge keeps the smaller id), so the sums come out as a stable sort
    /// by new name would add them: the kept link first, then the renamed
    /// ones by their old ids.
    pub fn relabel(&mut self, mut rename: impl FnMut(usize) -> usize, dropped: usize) {
        let mut renamed: Vec<(usize, f64)> = Vec::new();
        let mut kept = 0;
        for at in 0..self.clusters.len() {
            let cluster = self.clusters[at] as usize;
            let name = rename(cluster);
            if name == cluster {
                self.clusters[kept] = self.clusters[at];
                self.sums[kept] = self.sums[at];
                kept += 1;
            } else if name != dropped {
                renamed.push((name, self.sums[at]));
            }
        }
        self.clusters.truncate(kept);
        self.sums.truncate(kept);
        for (cluster, sum) in renamed {
            match self.position(cluster) {
                Ok(at) => self.sums[at] += sum,
                Err(at) => {
                    self.clusters.insert(at, id(cluster));
                    self.sums.insert(at, sum);
                }
            }
        }
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
    fn relabelling_adds_up_links_to_one_cluster_in_order() {
        let mut links = Links::from_pairs(vec![(2, 0.5), (4, 0.25), (5, 0.125), (6, 1.0), (8, 0.5)]);
        // 5 and 8 went into 2, 6 into 1, and 4 into 0, whose links these are.
        let rename = |cluster| match cluster {
            5 | 8 => 2,
            6 => 1,
            4 => 0,
            other => other,
        };
        links.relabel(rename, 0);
        assert_eq!(pairs(&links), [(1, 1.0), (2, 1.125)]);
        let mut fresh = Links::from_pairs(vec![(9, 0.25), (7, 0.5)]);
        fresh.relabel(|cluster| if cluster == 9 { 4 } else { cluster }, 0);
        assert_eq!(pairs(&fresh), [(4, 0.25), (7, 0.5)]);
    }

    #[test]
    fn the_union_adds_up_shared_neighbours_and_drops_the_merged_pair() {
        let x = Links::from_pairs(vec![(1, 0.5), (3, 0.25)]);
        let y = Links::from_pairs(vec![(0, 0.5), (3, 0.5), (5, 1.0)]);
        assert_eq!(pairs(&Links::union(&x, &y, [0, 5])), [(1, 0.5), (3, 0.75)]);
        assert_eq!(pairs(&Links::union(&y, &x, [1, 9])), [(0, 0.5), (3, 0.75), (5, 1.0)]);
    }
}
