/// Lead unit or co-handler of one assignment.
public enum AssignmentRole: String, Sendable, Codable, CaseIterable {
    case lead
    case coHandler = "co-handler"
}

public struct RoutedUnit: Sendable, Hashable {
    public var departmentCode: String
    public var role: AssignmentRole

    public init(departmentCode: String, role: AssignmentRole) {
        self.departmentCode = departmentCode
        self.role = role
    }
}

/// Turns a catalog item and a place into concrete units (按权属 + 属地).
public struct DutyRouter: Sendable {
    private let known: Set<String>

    public init(departments: [Department]) {
        known = Set(departments.map(\.code))
    }

    /// The units for `item` at `place`: the lead first, co-handlers after it, no unit twice.
    /// Nil when the lead cannot be placed (a street duty with no district), which sends the
    /// ticket to manual triage — unless it is a `consultation`: a question about a policy
    /// ("低保一个月能领多少钱？") needs no place, and the municipal department of the item's
    /// first co-handler answers it (首接负责), as it does a district duty with no district.
    public func route(_ item: CatalogItem, at place: TerritoryResolver.Place, consultation: Bool = false) -> [RoutedUnit]? {
        guard let lead = resolve(item.lead, at: place) ?? (consultation ? municipalCounterpart(of: item) : nil) else { return nil }
        var units = [RoutedUnit(departmentCode: lead, role: .lead)]
        for reference in item.coHandlers {
            if let code = resolve(reference, at: place), !units.contains(where: { $0.departmentCode == code }) {
                units.append(RoutedUnit(departmentCode: code, role: .coHandler))
            }
        }
        return units
    }

    /// The city-level unit of the item's first district- or city-level co-handler.
    func municipalCounterpart(of item: CatalogItem) -> String? {
        item.coHandlers.lazy.compactMap { reference -> String? in
            switch reference {
            case .city(let function), .district(let function): "city:\(function)"
            case .street: nil
            }
        }.first { known.contains($0) }
    }

    func resolve(_ reference: UnitRef, at place: TerritoryResolver.Place) -> String? {
        let code: String?
        switch reference {
        case .city(let function):
            code = "city:\(function)"
        case .district(let function):
            // With no district, the municipal counterpart answers first (首接负责).
            code = place.districtCode.map { "\($0):\(function)" } ?? "city:\(function)"
        case .street:
            // A district without a street: its government forwards to the right street office.
            if let street = place.streetCode { code = "street:\(street)" }
            else { code = place.districtCode.map { "\($0):gov" } }
        }
        return code.flatMap { known.contains($0) ? $0 : nil }
    }
}
