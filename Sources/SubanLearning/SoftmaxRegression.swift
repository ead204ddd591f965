import Foundation

/// Multinomial logistic regression over sparse binary features: a discriminative
/// linear model whose outputs are probabilities, so "confidence" means what
/// triage needs.
///
/// A feature present in a text carries its inverse document frequency (a
/// character every appeal has says little, a rare 3-gram much), and each text's
/// vector is scaled to unit length, so a long hotline transcript is not more
/// certain than a short text message. Features the model never learnt are left out. Weights live in one flat array, a row of `classCount` per feature
/// (the classes of one feature are read together). They are learnt as `Float`
/// and kept as `Float16`: a weight needs three significant digits, not seven, and
/// half the bytes keep dispatch's resident model small.
public struct SoftmaxRegression: Sendable {
    public struct Options: Sendable, Hashable {
        /// Passes over the shuffled examples.
        public var epochs: Int
        /// AdaGrad's base step.
        public var learningRate: Float
        /// L2 penalty per update, applied to the rows an example touches.
        public var l2: Float
        /// A feature seen in fewer examples than this has no weight. Rare 3-grams are
        /// mostly noise and most of the features: on 25,943 appeals, keeping those seen
        /// three times measured 0.5 points better on validation but made the model 43%
        /// larger (10.9 MB against 7.6 MB), and dispatch must stay under 64 MB; on 30,023,
        /// dropping those seen four times cost 0.6 points for 23% less (7.3 MB against 9.5 MB).
        public var minCount: Int
        /// Seeds the shuffle, so one data set always gives one model.
        public var seed: UInt64
        /// How much a complement naive Bayes over the same features adds to the
        /// logits (0: none). The regression fits the voices it was trained on
        /// closely; naive Bayes, which counts rather than fits, reads a voice it
        /// never saw better (see `naiveBayesWeights`).
        public var naiveBayes: Float
        /// Naive Bayes's additive smoothing of every feature's count.
        public var naiveBayesSmoothing: Float
        /// Every logit is divided by this: the product of two models is surer than
        /// either, and a confidence must mean what it says for triage.
        public var temperature: Float
        /// A feature whose weights, centred, all lie within this of zero is dropped
        /// after training: it hardly moves any class, and every feature costs dispatch memory.
        public var pruneBelow: Float

        public init(epochs: Int = 12, learningRate: Float = 0.2, l2: Float = 1e-5, minCount: Int = 4, seed: UInt64 = 0x5EED,
                    naiveBayes: Float = 0, naiveBayesSmoothing: Float = 0.1, temperature: Float = 1, pruneBelow: Float = 0) {
            self.epochs = epochs
            self.learningRate = learningRate
            self.l2 = l2
            self.minCount = minCount
            self.seed = seed
            self.naiveBayes = naiveBayes
            self.naiveBayesSmoothing = naiveBayesSmoothing
            self.temperature = temperature
            self.pruneBelow = pruneBelow
        }
    }

    public struct Example: Sendable {
        public var features: [UInt32]
        public var label: Int
        /// How much the example counts: more than 1 for a class whose misses cost more.
        public var weight: Float

        public init(features: [UInt32], label: Int, weight: Float = 1) {
            self.features = features
            self.label = label
            self.weight = weight
        }
    }

    public let classCount: Int
    /// The features that carry weights, in ascending order: row `i` of `idf` and `weights` is
    /// `keys[i]`'s. Looked up by binary search — a dictionary of a few hundred thousand keys
    /// costs dispatch several megabytes more than the sorted keys themselves.
    let keys: [UInt32]
    /// Per row: the feature's inverse document frequency in the training examples.
    let idf: [Float16]
    let weights: [Float16]
    let bias: [Float]

    /// `keys` must be ascending.
    init(classCount: Int, keys: [UInt32], idf: [Float16], weights: [Float16], bias: [Float]) {
        self.classCount = classCount
        self.keys = keys
        self.idf = idf
        self.weights = weights
        self.bias = bias
    }

    /// The row of `feature`, nil when the model has no weight for it.
    func row(of feature: UInt32) -> Int32? {
        keys.withUnsafeBufferPointer { keys in
            var low = 0, high = keys.count
            while low < high {
                let middle = (low + high) / 2
                if keys[middle] < feature { low = middle + 1 } else { high = middle }
            }
            return low < keys.count && keys[low] == feature ? Int32(low) : nil
        }
    }

    /// The rows of `features` the model knows, and the value each carries: idf over the vector's length.
    static func encode(_ features: [UInt32], row: (UInt32) -> Int32?, idf: (Int32) -> Float) -> (rows: [Int32], values: [Float]) {
        var known: [Int32] = []
        known.reserveCapacity(features.count)
        for feature in features { if let row = row(feature) { known.append(row) } }
        var values = known.map(idf)
        let length = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if length > 0 { for index in values.indices { values[index] /= length } }
        return (known, values)
    }

    /// The number of features that carry weights.
    public var featureCount: Int { keys.count }

    /// P(class | features) for every class.
    public func probabilities(_ features: [UInt32]) -> [Double] {
        Self.softmax(logits(features))
    }

    public func logits(_ features: [UInt32]) -> [Double] {
        let (known, values) = Self.encode(features, row: row(of:)) { Float(idf[Int($0)]) }
        var logits = bias.map(Double.init)
        weights.withUnsafeBufferPointer { weights in
            logits.withUnsafeMutableBufferPointer { logits in
                for (row, value) in zip(known, values) {
                    let base = Int(row) * classCount
                    for k in 0..<classCount { logits[k] += Double(Float(weights[base + k]) * value) }
                }
            }
        }
        return logits
    }

    static func softmax(_ logits: [Double]) -> [Double] {
        let top = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - top) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// Trains on `examples`, whose labels are in `0..<classCount`.
    public static func train(_ examples: [Example], classCount: Int, options: Options = Options()) -> SoftmaxRegression {
        precondition(classCount > 0)
        // The vocabulary: features seen in at least `minCount` examples, numbered in first-seen order.
        var documentFrequency: [UInt32: Int32] = [:]
        for example in examples { for feature in example.features { documentFrequency[feature, default: 0] += 1 } }
        var rows: [UInt32: Int32] = [:]
        for example in examples {
            for feature in example.features where documentFrequency[feature]! >= options.minCount && rows[feature] == nil {
                rows[feature] = Int32(rows.count)
            }
        }
        // Smoothed as scikit-learn's: log((1 + n) / (1 + df)) + 1.
        var idf = [Float](repeating: 1, count: rows.count)
        for (feature, row) in rows {
            idf[Int(row)] = logf(Float(1 + examples.count) / Float(1 + documentFrequency[feature]!)) + 1
        }
        documentFrequency = [:]
        // Each example as its rows and the value each of them carries.
        let encoded: [(rows: [Int32], values: [Float], label: Int, weight: Float)] = examples.map { example in
            let (known, values) = encode(example.features, row: { rows[$0] }) { idf[Int($0)] }
            return (known, values, example.label, example.weight)
        }
        var weights = [Float](repeating: 0, count: rows.count * classCount)
        var squaredGradients = [Float](repeating: 0, count: rows.count * classCount)
        var bias = [Float](repeating: 0, count: classCount)
        var biasSquaredGradients = [Float](repeating: 0, count: classCount)
        var order = Array(encoded.indices)
        var random = SplitMix64(seed: options.seed)
        var probabilities = [Float](repeating: 0, count: classCount)
        let epsilon: Float = 1e-8
        weights.withUnsafeMutableBufferPointer { w in
            squaredGradients.withUnsafeMutableBufferPointer { g2 in
                probabilities.withUnsafeMutableBufferPointer { p in
                    for _ in 0..<options.epochs {
                        order.shuffle(using: &random)
                        for index in order {
                            let example = encoded[index]
                            // Forward: logits, then softmax in place.
                            for k in 0..<classCount { p[k] = bias[k] }
                            for (row, value) in zip(example.rows, example.values) {
                                let base = Int(row) * classCount
                                for k in 0..<classCount { p[k] += w[base + k] * value }
                            }
                            var top = -Float.infinity
                            for k in 0..<classCount { top = max(top, p[k]) }
                            var total: Float = 0
                            for k in 0..<classCount { p[k] = expf(p[k] - top); total += p[k] }
                            // Backward: the gradient of the log loss is p − y for every class.
                            for k in 0..<classCount { p[k] = (p[k] / total - (k == example.label ? 1 : 0)) * example.weight }
                            for k in 0..<classCount {
                                let gradient = p[k]
                                biasSquaredGradients[k] += gradient * gradient
                                bias[k] -= options.learningRate * gradient / (biasSquaredGradients[k].squareRoot() + epsilon)
                            }
                            for (row, value) in zip(example.rows, example.values) {
                                let base = Int(row) * classCount
                                for k in 0..<classCount {
                                    let gradient = p[k] * value + options.l2 * w[base + k]
                                    g2[base + k] += gradient * gradient
                                    w[base + k] -= options.learningRate * gradient / (g2[base + k].squareRoot() + epsilon)
                                }
                            }
                        }
                    }
                }
            }
        }
        if options.naiveBayes > 0 {
            let expert = naiveBayesWeights(encoded, rowCount: rows.count, classCount: classCount, smoothing: options.naiveBayesSmoothing)
            for index in weights.indices { weights[index] += options.naiveBayes * expert[index] }
        }
        if options.temperature != 1 {
            for index in weights.indices { weights[index] /= options.temperature }
            for index in bias.indices { bias[index] /= options.temperature }
        }
        // A row's mean adds the same to every logit, so taking it away changes no probability;
        // what is left says how much the feature moves one class against the others.
        var keep = [Bool](repeating: true, count: rows.count)
        for row in 0..<rows.count {
            let base = row * classCount
            var mean: Float = 0
            for k in 0..<classCount { mean += weights[base + k] }
            mean /= Float(classCount)
            var largest: Float = 0
            for k in 0..<classCount {
                weights[base + k] -= mean
                largest = max(largest, abs(weights[base + k]))
            }
            keep[row] = largest >= options.pruneBelow
        }
        var keys = [UInt32](repeating: 0, count: rows.count)
        for (feature, row) in rows { keys[Int(row)] = feature }
        return sorted(classCount: classCount, keys: keys, idf: idf.map(Float16.init), weights: weights.map(Float16.init), bias: bias, keep: keep)
    }

    /// The model with its rows in ascending key order, only those `keep` allows (all when nil).
    static func sorted(classCount: Int, keys: [UInt32], idf: [Float16], weights: [Float16], bias: [Float], keep: [Bool]? = nil) -> SoftmaxRegression {
        let order = keys.indices.filter { keep?[$0] ?? true }.sorted { keys[$0] < keys[$1] }
        var sortedWeights: [Float16] = []
        sortedWeights.reserveCapacity(order.count * classCount)
        for row in order { sortedWeights += weights[(row * classCount)..<((row + 1) * classCount)] }
        return SoftmaxRegression(classCount: classCount, keys: order.map { keys[$0] }, idf: order.map { idf[$0] }, weights: sortedWeights, bias: bias)
    }

    /// Complement naive Bayes (Rennie et al., 2003) as weights laid out as the
    /// regression's: a feature's weight for a class is how rare the feature is in
    /// every *other* class's examples, so a class with few examples is not
    /// drowned by a class with many. Each row is centred on its mean, which
    /// leaves every softmax unchanged and keeps the values small enough for
    /// `Float16`. Adding them to the regression's weights is the product of the
    /// two models' probabilities, renormalised: one model, no extra memory.
    static func naiveBayesWeights(_ examples: [(rows: [Int32], values: [Float], label: Int, weight: Float)], rowCount: Int, classCount: Int,
                                  smoothing: Float) -> [Float] {
        var inClass = [Float](repeating: 0, count: rowCount * classCount)
        var perRow = [Float](repeating: 0, count: rowCount)
        for example in examples {
            for (row, value) in zip(example.rows, example.values) {
                inClass[Int(row) * classCount + example.label] += value * example.weight
                perRow[Int(row)] += value * example.weight
            }
        }
        // complement[row, k]: the feature's mass in every class but k.
        var complementTotal = [Float](repeating: 0, count: classCount)
        for row in 0..<rowCount {
            for k in 0..<classCount {
                let complement = perRow[row] - inClass[row * classCount + k] + smoothing
                inClass[row * classCount + k] = complement
                complementTotal[k] += complement
            }
        }
        let logTotals = complementTotal.map { logf($0) }
        for row in 0..<rowCount {
            let base = row * classCount
            var mean: Float = 0
            for k in 0..<classCount {
                inClass[base + k] = logTotals[k] - logf(inClass[base + k])
                mean += inClass[base + k]
            }
            mean /= Float(classCount)
            for k in 0..<classCount { inClass[base + k] -= mean }
        }
        return inClass
    }
}

/// A small, fast generator with a seed (Steele, Lea and Flood's SplitMix64):
/// training must give the same model from the same data on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
