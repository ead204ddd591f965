import SubanCore
import Testing

@Suite struct TokenBucketTests {
    /// (seconds at which requests come, rate, burst, expected: nil = taken, else seconds to wait)
    @Test(arguments: [
        ([0.0, 0, 0, 0], 1.0, 3.0, [nil, nil, nil, 1.0] as [Double?]),            // the burst, then a full second's wait
        ([0.0, 0, 0, 0.5], 1.0, 3.0, [nil, nil, nil, 0.5] as [Double?]),          // half a token refilled
        ([0.0, 0, 0, 1.0], 1.0, 3.0, [nil, nil, nil, nil] as [Double?]),          // one refilled
        ([0.0, 0, 10, 10, 10, 10], 2.0, 3.0, [nil, nil, nil, nil, nil, 0.5] as [Double?]),  // refills up to the burst, not beyond
        ([0.0, 0.1, 0.2], 10.0, 1.0, [nil, nil, nil] as [Double?]),               // a steady 10 a second at rate 10
    ])
    func admitsTheBurstThenTheRate(_ times: [Double], _ rate: Double, _ burst: Double, _ expected: [Double?]) {
        var bucket = TokenBucket(rate: rate, burst: burst, now: 0)
        let answers = times.map { bucket.take(now: $0) }
        #expect(answers.count == expected.count)
        for (answer, want) in zip(answers, expected) {
            if let want { #expect(abs((answer ?? -1) - want) < 1e-9, "\(answers)") } else { #expect(answer == nil, "\(answers)") }
        }
    }

    @Test func aRateOfZeroNeverRefills() {
        var bucket = TokenBucket(rate: 0, burst: 1, now: 0)
        #expect(bucket.take(now: 0) == nil)
        #expect(bucket.take(now: 1000) == .infinity)
    }

    @Test func knowsWhenItIsFullAgain() {
        var bucket = TokenBucket(rate: 1, burst: 2, now: 0)
        _ = bucket.take(now: 0)
        #expect(!bucket.isFull(now: 0.5))
        #expect(bucket.isFull(now: 1))
    }
}
