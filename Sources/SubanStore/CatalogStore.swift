import Foundation
import Postgres
import SubanCore

/// The responsibility catalog and the departments in PostgreSQL, where operators edit them.
public enum CatalogStore {
    /// Adds the shipped rows that are missing. Rows already there are operators'
    /// and stay as they are. Returns how many rows were added.
    @discardableResult
    public static func seed(catalog: Catalog, departments: [Department], on connection: PostgresConnection) throws -> Int {
        let departmentRows = RecordSet.encode(departments.map {
            ["code": .string($0.code), "name": .string($0.name), "level": .string($0.level.rawValue), "district_code": JSONValue($0.districtCode)]
        })
        let categoryRows = RecordSet.encode(catalog.categories.map { ["code": .string($0.code), "name": .string($0.name)] })
        let itemRows = RecordSet.encode(catalog.items.map {
            ["code": .string($0.code), "category_code": .string($0.categoryCode), "name": .string($0.name), "lead": .string($0.lead.description),
             "co_handlers": .array($0.coHandlers.map { .string($0.description) }), "keywords": .array($0.keywords.map(JSONValue.string)),
             "urgent_by_nature": .bool($0.urgentByNature)]
        })
        var added = try connection.query("""
            INSERT INTO departments (code, name, level, district_code)
            SELECT code, name, level, district_code FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, level text, district_code text)
            ON CONFLICT (code) DO NOTHING
            """, [departmentRows]).affectedRows
        added += try connection.query("""
            INSERT INTO catalog_categories (code, name)
            SELECT code, name FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text)
            ON CONFLICT (code) DO NOTHING
            """, [categoryRows]).affectedRows
        added += try connection.query("""
            INSERT INTO catalog_items (code, category_code, name, lead, co_handlers, keywords, urgent_by_nature)
            SELECT code, category_code, name, lead,
                   ARRAY(SELECT jsonb_array_elements_text(co_handlers)), ARRAY(SELECT jsonb_array_elements_text(keywords)), urgent_by_nature
            FROM jsonb_to_recordset($1::jsonb)
                 AS x(code text, category_code text, name text, lead text, co_handlers jsonb, keywords jsonb, urgent_by_nature boolean)
            ON CONFLICT (code) DO NOTHING
            """, [itemRows]).affectedRows
        return added
    }

    /// The active catalog and departments as dispatch uses them.
    public static func load(on connection: PostgresConnection) throws -> (catalog: Catalog, departments: [Department]) {
        let departments = try connection.query("SELECT code, name, level, district_code FROM departments WHERE active ORDER BY code").map { row in
            Department(code: try row.decode("code"), name: try row.decode("name"),
                       level: Department.Level(rawValue: try row.decode("level", as: String.self)) ?? .city, districtCode: try row.decodeIfPresent("district_code"))
        }
        let categories = try connection.query("SELECT code, name FROM catalog_categories ORDER BY code").map { row in
            CatalogCategory(code: try row.decode("code"), name: try row.decode("name"))
        }
        let decoder = JSONDecoder()
        let items = try connection.query("""
            SELECT code, category_code, name, lead, to_jsonb(co_handlers)::text AS co_handlers, to_jsonb(keywords)::text AS keywords, urgent_by_nature
            FROM catalog_items WHERE active ORDER BY code
            """).compactMap { row -> CatalogItem? in
            guard let lead = UnitRef(try row.decode("lead", as: String.self)) else { return nil }
            let coHandlers = try decoder.decode([String].self, from: Data(try row.decode("co_handlers", as: String.self).utf8))
            let keywords = try decoder.decode([String].self, from: Data(try row.decode("keywords", as: String.self).utf8))
            return CatalogItem(code: try row.decode("code"), categoryCode: try row.decode("category_code"), name: try row.decode("name"),
                               lead: lead, coHandlers: coHandlers.compactMap(UnitRef.init), keywords: keywords,
                               urgentByNature: try row.decode("urgent_by_nature"))
        }
        return (Catalog(categories: categories, items: items), departments)
    }
}
