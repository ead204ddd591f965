import SubanLearning

extension SoftmaxRegression.Options {
    /// Chosen on voices the model never saw (`suban-tools evaluate classifier --cross-voice`):
    /// - naive Bayes at 3 added 2 to 3 points of category accuracy on each voice (2 and 5
    ///   measured the same, as did other epochs, rates and L2);
    /// - the temperature brings the confidence bands back to where triage expects them;
    /// - pruning features whose weights stay within 1 of the row's mean cut the model by a
    ///   fifth (12.9 → 10.2 MB on 38,087 appeals) at no measurable cost; 1.5 cost a point.
    ///   At 57,943 appeals, 1.25: 15.2 → 12.2 MB for 0.2 points on voices never seen, which
    ///   keeps dispatch under 64 MB resident (63.8 MB at 1); features seen in five appeals or
    ///   more instead of four saved as much and cost 0.4.
    public static let classifier = Self(naiveBayes: 3, temperature: 1.75, pruneBelow: 1.25)
    /// Naive Bayes moved urgency along its recall–precision curve, not past it
    /// (the threshold does that), so the urgency model is the regression alone.
    public static let urgency = Self()
}
