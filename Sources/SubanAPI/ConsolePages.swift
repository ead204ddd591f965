import Foundation

/// The console's pages, stylesheet and script, served as they are (no build step, no CDN),
/// from the resource files in `console/`: `layout.html` around each page's fragment.
/// Every value from the API is put in the page as text, never as HTML.
enum ConsolePages {
    struct Page {
        var type: String
        var body: String
    }

    static let all: [(String, Page)] = [
        ("/console", html("速办 控制台", nav: "", ["index"])),
        ("/console/ops", html("运维监控", nav: "ops", ["key-form", "ops"])),
        ("/console/analytics", html("数据分析", nav: "analytics", ["key-form", "analytics"])),
        ("/console/workbench", html("部门工作台", nav: "workbench", ["workbench"])),
        ("/track", html("诉求查询", nav: "track", ["track"])),
        ("/console/app.css", Page(type: "text/css; charset=utf-8", body: file("app.css"))),
        ("/console/app.js", Page(type: "text/javascript; charset=utf-8", body: file("app.js"))),
    ]

    static func html(_ title: String, nav: String, _ fragments: [String]) -> Page {
        let links = [("ops", "/console/ops", "运维"), ("analytics", "/console/analytics", "分析"), ("workbench", "/console/workbench", "工作台"),
                     ("track", "/track", "诉求查询")]
            .map { "<a href=\"\($0.1)\"\($0.0 == nav ? " class=\"on\"" : "")>\($0.2)</a>" }.joined()
        let body = file("layout.html")
            .replacingOccurrences(of: "{{main}}", with: fragments.map { file($0 + ".html") }.joined())
            .replacingOccurrences(of: "{{title}}", with: title)
            .replacingOccurrences(of: "{{nav}}", with: nav)
            .replacingOccurrences(of: "{{links}}", with: links)
        return Page(type: "text/html; charset=utf-8", body: body)
    }

    /// A shipped file: one missing is a build defect, found by the first request's test.
    static func file(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "console"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("console/\(name) is missing from SubanAPI's resources")
        }
        return text
    }
}
