import Foundation
import Postgres
import SubanCore

/// The responsibility catalog and the departments in PostgreSQL, where operators edit them.
public enum CatalogStore {
    private struct DepartmentRow: Encodable { var code, name, level: String; var districtCode: String? }
    private struct CategoryRow: Encodable { var code, name: String }
    private struct ItemRow: Encodable { var code, categoryCode, name, lead: String; var coHandlers, keywords: [String] }

    /// Adds the shipped rows that are missing. Rows already there are operators'
    /// and stay as they are. Returns how many rows were added.
    @discardableResult
    public static func seed(catalog: Catalog, departments: [Department], on connection: PostgresConnection) throws -> Int {
        let departmentRows = try RecordSet.encode(departments.map {
            DepartmentRow(code: $0.code, name: $0.name, level: $0.level.rawValue, districtCode: $0.districtCode)
        })
        let categoryRows = try RecordSet.encode(catalog.categories.map { CategoryRow(code: $0.code, name: $0.name) })
        let itemRows = try RecordSet.encode(catalog.items.map {
            ItemRow(code: $0.code, categoryCode: $0.categoryCode, name: $0.name, lead: $0.lead.description,
                    coHandlers: $0.coHandlers.map(\.description), keywords: $0.keywords)
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
            INSERT INTO catalog_items (code, category_code, name, lead, co_handlers, keywords)
            SELECT code, category_code, name, lead,
                   ARRAY(SELECT jsonb_array_elements_text(co_handlers)), ARRAY(SELECT jsonb_array_elements_text(keywords))
            FROM jsonb_to_recordset($1::jsonb) AS x(code text, category_code text, name text, lead text, co_handlers jsonb, keywords jsonb)
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
            SELECT code, category_code, name, lead, to_jsonb(co_handlers)::text AS co_handlers, to_jsonb(keywords)::text AS keywords
            FROM catalog_items WHERE active ORDER BY code
            """).compactMap { row -> CatalogItem? in
            guard let lead = UnitRef(try row.decode("lead", as: String.self)) else { return nil }
            let coHandlers = try decoder.decode([String].self, from: Data(try row.decode("co_handlers", as: String.self).utf8))
            let keywords = try decoder.decode([String].self, from: Data(try row.decode("keywords", as: String.self).utf8))
            return CatalogItem(code: try row.decode("code"), categoryCode: try row.decode("category_code"), name: try row.decode("name"),
                               lead: lead, coHandlers: coHandlers.compactMap(UnitRef.init), keywords: keywords)
        }
        return (Catalog(categories: categories, items: items), departments)
    }
}
