/// A directed graph over nodes `0..<nodeCount` in compressed sparse row form: the successors of node `u`
/// sit in the slots `offsets[u]..<offsets[u + 1]` of flat arrays. Building it is two counting passes and
/// the traversals allocate nothing per edge, which is what keeps 20,000 dependencies in milliseconds.
struct DependencyGraph {
    let nodeCount: Int
    private let offsets: [Int]
    /// For each slot, the successor node.
    let targets: [Int]
    /// For each slot, the `source` the edge was given with (the caller's dependency number).
    let sources: [Int]

    init(nodeCount: Int, edges: [(from: Int, to: Int, source: Int)]) {
        var offsets = [Int](repeating: 0, count: nodeCount + 1)
        for edge in edges { offsets[edge.from + 1] += 1 }
        for node in 0..<nodeCount { offsets[node + 1] += offsets[node] }
        var nextSlot = offsets
        var targets = [Int](repeating: 0, count: edges.count)
        var sources = [Int](repeating: 0, count: edges.count)
        for edge in edges {
            let slot = nextSlot[edge.from]
            nextSlot[edge.from] = slot + 1
            targets[slot] = edge.to
            sources[slot] = edge.source
        }
        self.nodeCount = nodeCount
        self.offsets = offsets
        self.targets = targets
        self.sources = sources
    }

    func successorSlots(of node: Int) -> Range<Int> {
        offsets[node]..<offsets[node + 1]
    }

    /// Kahn's algorithm. Nodes without predecessors are queued in index order, so the order is
    /// deterministic. Nodes on a cycle, or downstream of one, never run out of predecessors and are
    /// missing from the result: a result shorter than `nodeCount` means the graph has a cycle.
    func topologicalOrder() -> [Int] {
        var remainingPredecessors = [Int](repeating: 0, count: nodeCount)
        for target in targets { remainingPredecessors[target] += 1 }
        var order: [Int] = []
        order.reserveCapacity(nodeCount)
        for node in 0..<nodeCount where remainingPredecessors[node] == 0 { order.append(node) }
        var head = 0
        while head < order.count {
            let node = order[head]
            head += 1
            for slot in successorSlots(of: node) {
                let successor = targets[slot]
                remainingPredecessors[successor] -= 1
                if remainingPredecessors[successor] == 0 { order.append(successor) }
            }
        }
        return order
    }

    /// One actual cycle, in edge order, found by an iterative depth-first search that skips the nodes
    /// Kahn's algorithm managed to order (none of them can lie on a cycle). Nil for an acyclic graph.
    func findCycle(skipping ordered: [Int]) -> [Int]? {
        let unvisited: UInt8 = 0, onPath: UInt8 = 1, done: UInt8 = 2
        var state = [UInt8](repeating: unvisited, count: nodeCount)
        for node in ordered { state[node] = done }
        var pathPosition = [Int](repeating: 0, count: nodeCount)
        var path: [Int] = []
        var nextSlot: [Int] = []  // per node on the path: the next of its successor slots to try
        for root in 0..<nodeCount where state[root] == unvisited {
            state[root] = onPath
            pathPosition[root] = 0
            path.append(root)
            nextSlot.append(offsets[root])
            while let node = path.last {
                let slot = nextSlot[nextSlot.count - 1]
                guard slot < offsets[node + 1] else {
                    state[node] = done
                    path.removeLast()
                    nextSlot.removeLast()
                    continue
                }
                nextSlot[nextSlot.count - 1] = slot + 1
                let successor = targets[slot]
                if state[successor] == onPath { return Array(path[pathPosition[successor]...]) }
                if state[successor] == unvisited {
                    state[successor] = onPath
                    pathPosition[successor] = path.count
                    path.append(successor)
                    nextSlot.append(offsets[successor])
                }
            }
        }
        return nil
    }

    /// The shortest path from `source` to `target` along the edges, both ends included, or nil when
    /// `target` is unreachable. Breadth-first, so a reported cycle is as short as it can be.
    func shortestPath(from source: Int, to target: Int) -> [Int]? {
        if source == target { return [source] }
        var parent = [Int](repeating: -1, count: nodeCount)
        parent[source] = source
        var queue = [source]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for slot in successorSlots(of: node) {
                let successor = targets[slot]
                guard parent[successor] == -1 else { continue }
                parent[successor] = node
                if successor == target {
                    var path = [target]
                    var step = target
                    while step != source {
                        step = parent[step]
                        path.append(step)
                    }
                    return path.reversed()
                }
                queue.append(successor)
            }
        }
        return nil
    }
}
