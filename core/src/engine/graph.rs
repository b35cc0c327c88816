//! Ordering the computed items of a form (relevance, calculations, repeat counts) so that
//! each is evaluated after everything it reads, and finding the cycles that make such an
//! order impossible.

/// Orders `n` vertices so that every edge `a -> b` (b reads what a writes) has `a` first.
/// Ties keep the original (document) order. On failure returns the cycles found, each as
/// its member vertices in document order.
pub(crate) fn topological_order(
    n: usize,
    edges: &[(usize, usize)],
) -> Result<Vec<usize>, Vec<Vec<usize>>> {
    let mut succ = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(a, b) in edges {
        succ[a].push(b);
        indegree[b] += 1;
    }
    // Kahn's algorithm with a min-heap, so independent items keep document order.
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&v| indegree[v] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(v)) = ready.pop() {
        order.push(v);
        for &w in &succ[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(std::cmp::Reverse(w));
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    Err(cycles(n, &succ))
}

/// The strongly connected components that contain a cycle (Tarjan's algorithm, written
/// iteratively so a long chain cannot overflow the stack).
fn cycles(n: usize, succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (vertex, next successor to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(&w) = succ[v].get(*i) {
                *i += 1;
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                let self_loop = succ[v].contains(&v);
                if component.len() > 1 || self_loop {
                    component.sort_unstable();
                    out.push(component);
                }
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_dependencies_first_and_keeps_document_order() {
        assert_eq!(
            topological_order(4, &[(3, 0), (2, 1)]),
            Ok(vec![2, 1, 3, 0])
        );
        assert_eq!(topological_order(3, &[]), Ok(vec![0, 1, 2]));
    }

    #[test]
    fn reports_every_cycle_with_its_members() {
        let edges = [(0, 1), (1, 2), (2, 0), (3, 3), (4, 5), (5, 6)];
        assert_eq!(
            topological_order(7, &edges),
            Err(vec![vec![0, 1, 2], vec![3]])
        );
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let n = 200_000;
        let mut edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        edges.push((n - 1, 0));
        let cycles = topological_order(n, &edges).unwrap_err();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), n);
    }
}
