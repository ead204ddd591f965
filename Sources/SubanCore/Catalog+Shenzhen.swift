/// The responsibility catalog as shipped: the 18 top-level categories, the
/// duties under them and the labelled appeals the classifier learns from
/// (`ShippedCatalog/*.swift`, one file a category). `suban migrate` loads the
/// catalog into PostgreSQL, where operators edit it; dispatch reads it from there.
extension Catalog {
    public static let shenzhen = ShippedCatalog.shenzhen.catalog
}

/// The shipped labelled appeals: every fifth example of each item is held out
/// from training, so accuracy is measured on words the classifier never saw.
public enum AppealCorpus {
    public static let shenzhen: [LabeledAppeal] = ShippedCatalog.shenzhen.appeals
    public static let training = shenzhen.filter { $0.split == .training }
    public static let heldOut = shenzhen.filter { $0.split == .heldOut }
}

extension ShippedCatalog {
    /// Shipped text, checked by the tests: a parse error here is a build defect, not an input error.
    static let shenzhen = try! parse([
        urbanManagement, environment, noise, transport, publicSecurity, housing, market, labor, health, education,
        civilAffairs, utilities, planning, enterprise, cultureTourism, safety, govServices, finance,
    ])
}
