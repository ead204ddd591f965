/// Street-office boundaries, for appeals that come with coordinates: a point
/// inside a street's polygon is in that street, whatever the words say.
/// Loaded from GeoJSON (`suban gazetteer boundaries FILE`): a FeatureCollection
/// of Polygon or MultiPolygon features whose `street` property is a street code.
public struct StreetBoundaries: Sendable {
    /// One street's area: polygons, each an outer ring and its holes, as (longitude, latitude) pairs.
    public struct Area: Sendable, Hashable {
        public var streetCode: String
        public var polygons: [[[Point]]]
    }

    public struct Point: Sendable, Hashable {
        public var longitude: Double
        public var latitude: Double
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "boundaries: \(reason)" }
    }

    public let areas: [Area]

    public static let none = StreetBoundaries(areas: [])

    public init(areas: [Area]) { self.areas = areas }

    public func street(containing coordinates: Coordinates) -> String? {
        let point = Point(longitude: coordinates.longitude, latitude: coordinates.latitude)
        return areas.first { area in area.polygons.contains { Self.contains($0, point) } }?.streetCode
    }

    /// Inside the outer ring and outside every hole (even-odd ray casting).
    static func contains(_ polygon: [[Point]], _ point: Point) -> Bool {
        guard let outer = polygon.first, inside(outer, point) else { return false }
        return !polygon.dropFirst().contains { inside($0, point) }
    }

    static func inside(_ ring: [Point], _ point: Point) -> Bool {
        var inside = false
        var previous = ring.last
        for vertex in ring {
            if let last = previous, (vertex.latitude > point.latitude) != (last.latitude > point.latitude) {
                let crossing = (last.longitude - vertex.longitude) * (point.latitude - vertex.latitude) / (last.latitude - vertex.latitude) + vertex.longitude
                if point.longitude < crossing { inside.toggle() }
            }
            previous = vertex
        }
        return inside
    }

    /// Reads a GeoJSON FeatureCollection; every feature needs a known street code in `property`.
    public init(geoJSON root: JSONValue, property: String = "street") throws(Malformed) {
        guard case .object(let collection) = root, case .array(let features)? = collection["features"] else {
            throw Malformed(reason: "expected a FeatureCollection with a features array")
        }
        var areas: [Area] = []
        for (index, feature) in features.enumerated() {
            guard case .object(let object) = feature, case .object(let properties)? = object["properties"],
                  case .string(let street)? = properties[property], Territory.street(code: street) != nil else {
                throw Malformed(reason: "feature \(index): properties.\(property) must be a known street code")
            }
            guard case .object(let geometry)? = object["geometry"], case .string(let type)? = geometry["type"], let coordinates = geometry["coordinates"] else {
                throw Malformed(reason: "feature \(index): no geometry")
            }
            switch type {
            case "Polygon": areas.append(Area(streetCode: street, polygons: [try Self.polygon(coordinates, feature: index)]))
            case "MultiPolygon":
                guard case .array(let polygons) = coordinates else { throw Malformed(reason: "feature \(index): bad MultiPolygon") }
                areas.append(Area(streetCode: street, polygons: try polygons.map { value throws(Malformed) in try Self.polygon(value, feature: index) }))
            default: throw Malformed(reason: "feature \(index): geometry \(type) is not a Polygon or MultiPolygon")
            }
        }
        self.areas = areas
    }

    static func polygon(_ value: JSONValue, feature: Int) throws(Malformed) -> [[Point]] {
        guard case .array(let rings) = value, !rings.isEmpty else { throw Malformed(reason: "feature \(feature): a polygon needs rings") }
        return try rings.map { ring throws(Malformed) -> [Point] in
            guard case .array(let points) = ring, points.count >= 4 else { throw Malformed(reason: "feature \(feature): a ring needs 4 or more positions") }
            return try points.map { position throws(Malformed) -> Point in
                guard case .array(let pair) = position, pair.count >= 2, case .number(let longitude) = pair[0], case .number(let latitude) = pair[1] else {
                    throw Malformed(reason: "feature \(feature): a position is [longitude, latitude]")
                }
                return Point(longitude: longitude, latitude: latitude)
            }
        }
    }
}
