import Mustache

/// Renders the console's pages: a page's template with its values, inside the layout with
/// the navigation, the operator and the words of the language.
package struct ConsolePages: Sendable {
    private let library: MustacheLibrary

    package init() {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            // The templates are ours and fixed: a parse error is a bug the tests catch.
            try! library.register(text, named: name)
        }
        try! library.register(ConsoleTemplates.actions, named: "actions")
        self.library = library
    }

    /// Who is looking, in which language, and the CSRF token their forms carry.
    package struct Viewer: Sendable {
        package var language: ConsoleLanguage
        package var holder: ConsoleOperator?
        package var csrf: String

        package init(language: ConsoleLanguage, holder: ConsoleOperator?, csrf: String) {
            self.language = language
            self.holder = holder
            self.csrf = csrf
        }
    }

    /// A whole page: `page`'s template with `values` (the viewer's words, CSRF token and
    /// rights added), inside the layout.
    package func render(_ page: String, title: String, values: [String: Any], viewer: Viewer,
                        flash: String? = nil, error: String? = nil) -> String {
        var context = values
        let words = viewer.language.words
        context["t"] = words
        context["csrf"] = viewer.csrf
        context["canAct"] = viewer.holder?.isAdmin ?? false
        let body = library.render(context, withTemplate: page) ?? ""
        var frame: [String: Any] = [
            "t": words, "lang": viewer.language.rawValue, "title": words[title] ?? title, "style": ConsoleTemplates.style,
            "body": body, "csrf": viewer.csrf,
        ]
        if let holder = viewer.holder {
            frame["signedIn"] = true
            frame["operator"] = holder.name
            frame["role"] = holder.role.rawValue
        }
        if let flash { frame["flash"] = flash }
        if let error { frame["error"] = error }
        return library.render(frame, withTemplate: "layout") ?? ""
    }
}
