/// Finds which of many phrases occur in a text in one pass over its UTF-8
/// bytes (Aho–Corasick), so classifying an appeal costs its length, not
/// length × catalog size. Byte matching is exact substring matching for the
/// catalog's phrases: no folding is wanted for Chinese text.
public struct PhraseMatcher: Sendable {
    public let phrases: [String]
    /// goto transitions, keyed by `node << 8 | byte`.
    private var transitions: [Int: Int32] = [:]
    private var failure: [Int32] = [0]
    /// Phrase indices that end at each node, including those reached by failure links.
    private var outputs: [[Int32]] = [[]]

    public init(_ phrases: [String]) {
        self.phrases = phrases
        for (index, phrase) in phrases.enumerated() where !phrase.isEmpty {
            var node = 0
            for byte in phrase.utf8 {
                let key = node << 8 | Int(byte)
                if let next = transitions[key] {
                    node = Int(next)
                } else {
                    failure.append(0)
                    outputs.append([])
                    transitions[key] = Int32(failure.count - 1)
                    node = failure.count - 1
                }
            }
            outputs[node].append(Int32(index))
        }
        buildFailureLinks()
    }

    /// Breadth-first, so a node's failure target is final before its children need it.
    private mutating func buildFailureLinks() {
        var children: [Int: [(byte: Int, child: Int)]] = [:]
        for (key, child) in transitions { children[key >> 8, default: []].append((key & 0xff, Int(child))) }
        var queue = (children[0] ?? []).map(\.child)
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for (byte, child) in children[node] ?? [] {
                var fallback = Int(failure[node])
                while fallback != 0, transitions[fallback << 8 | byte] == nil { fallback = Int(failure[fallback]) }
                let target = node == 0 ? 0 : Int(transitions[fallback << 8 | byte] ?? 0)
                failure[child] = Int32(target == child ? 0 : target)
                outputs[child].append(contentsOf: outputs[Int(failure[child])])
                queue.append(child)
            }
        }
    }

    /// Indices of the phrases found in `text`, each once, in order of first occurrence.
    public func matches(in text: String) -> [Int] {
        var found: [Int] = []
        var seen = Set<Int32>()
        var node = 0
        for byte in text.utf8 {
            while true {
                if let next = transitions[node << 8 | Int(byte)] {
                    node = Int(next)
                    break
                }
                if node == 0 { break }
                node = Int(failure[node])
            }
            for index in outputs[node] where seen.insert(index).inserted { found.append(Int(index)) }
        }
        return found
    }
}
