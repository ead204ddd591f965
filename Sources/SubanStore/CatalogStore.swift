import Foundation
import Postgres
import SubanCore

/// The responsibility catalog and the departments in PostgreSQL, where operators edit them.
public enum CatalogStore {
    /// Adds the shipped rows that are missing. Rows already there are operators'
    /// and stay as they are. Returns how many rows were added.
    @discardableResult
    public static func seed(catalog: Catalog, departments: [Department], on connection: PostgresConnection) throws -> Int {
        struct DepartmentRow: RecordRow {
            var code, name: String
            var level: Department.Level
            var districtCode: String?
        }
        struct CategoryRow: RecordRow {
            var code, name: String
        }
        struct ItemRow: RecordRow {
            var code, categoryCode, name, lead: String
            var coHandlers, keywords: [String]
            var urgentByNature: Bool
        }
        let departmentRows = departments.map { DepartmentRow(code: $0.code, name: $0.name, level: $0.level, districtCode: $0.districtCode) }
        let categoryRows = catalog.categories.map { CategoryRow(code: $0.code, name: $0.name) }
        let itemRows = catalog.items.map {
            ItemRow(code: $0.code, categoryCode: $0.categoryCode, name: $0.name, lead: $0.lead.description,
                    coHandlers: $0.coHandlers.map(\.description), keywords: $0.keywords, urgentByNature: $0.urgentByNature)
        }
        var added = 0
        if let first = departmentRows.first {
            added += try connection.query("""
                INSERT INTO departments (code, name, level, district_code)
                SELECT code, name, level, district_code FROM jsonb_to_recordset($1::jsonb) AS x(\(RecordSet.columns(of: first)))
                ON CONFLICT (code) DO NOTHING
                """, [RecordSet.encode(departmentRows)]).affectedRows
        }
        if let first = categoryRows.first {
            added += try connection.query("""
                INSERT INTO catalog_categories (code, name)
                SELECT code, name FROM jsonb_to_recordset($1::jsonb) AS x(\(RecordSet.columns(of: first)))
                ON CONFLICT (code) DO NOTHING
                """, [RecordSet.encode(categoryRows)]).affectedRows
        }
        if let first = itemRows.first {
            added += try connection.query("""
                INSERT INTO catalog_items (code, category_code, name, lead, co_handlers, keywords, urgent_by_nature)
                SELECT code, category_code, name, lead, co_handlers, keywords, urgent_by_nature
                FROM jsonb_to_recordset($1::jsonb) AS x(\(RecordSet.columns(of: first)))
                ON CONFLICT (code) DO NOTHING
                """, [RecordSet.encode(itemRows)]).affectedRows
        }
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
