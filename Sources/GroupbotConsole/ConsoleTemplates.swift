/// The console's Mustache templates. Each page renders into `layout`'s `body`; values in
/// `{{…}}` are escaped, the SVG charts (made by ``SVGChart``, which escapes its labels)
/// come in `{{{…}}}`. Words come from ``ConsoleLanguage`` as `t.<key>`.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "overview": overview, "group": group, "audit": audit, "try": tryRule,
        "shadow": shadow, "deliveries": deliveries,
    ]

    static let style = """
        body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#222;background:#f6f7f9}
        header{background:#1f3a5f;color:#fff;padding:.6em 1em;display:flex;flex-wrap:wrap;gap:.8em;align-items:center}
        header a{color:#fff;margin-right:.8em}header form{display:inline;margin-left:auto}
        main{padding:1em;max-width:1100px;margin:auto}table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1em}
        th,td{border-bottom:1px solid #e3e6ea;padding:.35em .5em;text-align:left;vertical-align:top;font-size:.92em}
        .num{text-align:right}.charts{display:flex;flex-wrap:wrap;gap:.6em}.chart{background:#fff;width:320px;max-width:100%;height:auto}
        .series{fill:none;stroke:#1f6feb;stroke-width:2}.axis{stroke:#aaa}.label{font-size:9px;fill:#555}
        .flash{background:#e6f4ea;padding:.5em}.error{background:#fdecea;padding:.5em}pre{background:#fff;padding:.6em;overflow:auto;white-space:pre-wrap}
        form.inline{display:inline}input,select,textarea,button{font:inherit;margin:.15em 0}textarea{width:100%;min-height:8em}
        .quiet{color:#b35c00}.muted{color:#777}fieldset{background:#fff;border:1px solid #e3e6ea;margin-bottom:1em}
        @media (max-width:600px){th,td{font-size:.85em;padding:.25em}.hide-narrow{display:none}}
        """

    static let layout = """
        <!doctype html>
        <html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.console}}</title><style>{{{style}}}</style></head>
        <body><header><strong>{{t.console}}</strong>
        {{#signedIn}}<nav><a href="/console">{{t.overview}}</a><a href="/console/audit">{{t.audit}}</a><a href="/console/try">{{t.try}}</a><a href="/console/shadow">{{t.shadow}}</a><a href="/console/deliveries">{{t.deliveries}}</a></nav>
        <form method="post" action="/console/logout"><input type="hidden" name="csrf" value="{{csrf}}"><span class="muted">{{t.signedInAs}} {{operator}} ({{role}})</span> <button id="sign-out">{{t.signOut}}</button></form>{{/signedIn}}
        </header><main>{{#flash}}<p class="flash" id="flash">{{flash}}</p>{{/flash}}{{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
        <h1>{{title}}</h1>{{{body}}}</main></body></html>
        """

    static let login = """
        <form method="post" action="/console/login" id="login"><label>{{t.token}} <input type="password" name="token" id="token" autocomplete="current-password" required></label>
        <button id="sign-in">{{t.signIn}}</button></form>
        """

    static let overview = """
        <p>{{t.rulesLoaded}}: {{t.version}} <code id="rules-version">{{rulesVersion}}</code>, {{t.loadedAt}} {{rulesLoadedAt}} · {{ruleCount}} {{t.rules}}, {{typeCount}} {{t.types}}.
        {{t.lastReloadError}}: <span id="reload-error">{{#reloadError}}{{reloadError}}{{/reloadError}}{{^reloadError}}{{t.none}}{{/reloadError}}</span></p>
        {{^hasState}}<p class="error">{{t.noState}}</p>{{/hasState}}
        {{#hasState}}<h2>{{t.latestDay}}: <span id="latest-day">{{latestDay}}</span></h2>
        <table id="types"><tr><th>{{t.type}}</th><th class="num">{{t.groups}}</th><th class="num">{{t.members}}</th><th class="num">{{t.joins}}</th><th class="num">{{t.leaves}}</th><th class="num">{{t.messages}}</th><th class="num">{{t.enforcement}}</th><th class="num hide-narrow">{{t.replies}}</th><th class="num hide-narrow">{{t.guidance}}</th></tr>
        {{#types}}<tr><td>{{name}}</td><td class="num">{{groups}}</td><td class="num">{{members}}</td><td class="num">{{joins}}</td><td class="num">{{leaves}}</td><td class="num">{{messages}}</td><td class="num">{{enforcement}}</td><td class="num hide-narrow">{{replies}}</td><td class="num hide-narrow">{{guided}}</td></tr>{{/types}}
        </table>
        <h2>{{t.last30}}</h2><div class="charts">{{#charts}}{{{svg}}}{{/charts}}</div>
        <h2>{{t.busiest}}</h2><table id="busiest"><tr><th>{{t.group}}</th><th>{{t.type}}</th><th class="num">{{t.messages}}</th><th class="num">{{t.enforcement}}</th></tr>
        {{#busiest}}<tr><td><a href="/console/group?id={{id}}">{{id}}</a></td><td>{{type}}</td><td class="num">{{messages}}</td><td class="num">{{enforcement}}</td></tr>{{/busiest}}</table>
        <h2>{{t.quietGroups}}: <span id="quiet-count">{{quietCount}}</span> <small class="muted">({{t.quietNote}})</small></h2>
        <ul id="quiet">{{#quiet}}<li class="quiet"><a href="/console/group?id={{id}}">{{id}}</a> — {{messages}}</li>{{/quiet}}{{^quiet}}<li>{{t.nothing}}</li>{{/quiet}}</ul>{{/hasState}}
        """

    static let group = """
        <p id="mapping">{{t.mapping}}: <strong>{{type}}</strong> — {{mappingReason}}</p>
        <h2>{{t.strikes}}</h2><table id="strikes"><tr><th>{{t.member}}</th><th>{{t.ladder}}</th><th class="num">{{t.count}}</th><th></th></tr>
        {{#strikes}}<tr><td>{{user}}</td><td>{{ladder}}</td><td class="num">{{count}}</td><td>{{#canAct}}<form class="inline" method="post" action="/console/pardon"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="group" value="{{group}}"><input type="hidden" name="user" value="{{user}}"><button>{{t.pardon}}</button></form>{{/canAct}}</td></tr>{{/strikes}}</table>
        <h2>{{t.pending}}</h2><ul id="pending">{{#pending}}<li>{{user}}: {{flow}} ({{steps}} {{t.steps}})</li>{{/pending}}{{^pending}}<li>{{t.nothing}}</li>{{/pending}}</ul>
        {{#hasFigures}}<h2>{{t.figures}}</h2><table><tr><th>{{t.day}}</th><th class="num">{{t.members}}</th><th class="num">{{t.joins}}</th><th class="num">{{t.leaves}}</th><th class="num">{{t.active}}</th><th class="num">{{t.messages}}</th><th class="num">{{t.enforcement}}</th></tr>
        {{#figures}}<tr><td>{{day}}</td><td class="num">{{members}}</td><td class="num">{{joins}}</td><td class="num">{{leaves}}</td><td class="num">{{active}}</td><td class="num">{{messages}}</td><td class="num">{{enforcement}}</td></tr>{{/figures}}</table>{{/hasFigures}}
        <h2>{{t.recent}}</h2>{{> actions}}
        """

    static let actions = """
        <table class="actions"><tr><th>{{t.time}}</th><th class="hide-narrow">{{t.group}}</th><th>{{t.member}}</th><th>{{t.action}}</th><th>{{t.rule}}</th><th>{{t.text}}</th><th class="hide-narrow">{{t.cause}}</th><th></th></tr>
        {{#actions}}<tr class="action" data-id="{{id}}"><td>{{time}}</td><td class="hide-narrow"><a href="/console/group?id={{group}}">{{group}}</a></td><td><a href="/console/audit?user={{user}}">{{user}}</a></td><td>{{kind}}</td><td><a href="/console/audit?rule={{rule}}">{{rule}}</a></td><td>{{text}}</td><td class="hide-narrow"><a href="/console/audit?cause={{cause}}">{{cause}}</a></td>
        <td>{{#pardonable}}<form class="inline" method="post" action="/console/pardon"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="group" value="{{group}}"><input type="hidden" name="user" value="{{user}}"><button class="pardon">{{t.pardon}}</button></form>{{/pardonable}}
        {{#markable}}<form class="inline" method="post" action="/console/spam"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="group" value="{{group}}"><input type="hidden" name="message" value="{{cause}}"><button class="mark-spam">{{t.markSpam}}</button></form>{{/markable}}</td></tr>{{/actions}}
        {{^actions}}<tr><td colspan="8">{{t.nothing}}</td></tr>{{/actions}}</table>
        """

    static let audit = """
        <form method="get" action="/console/audit" id="audit-search">
        <label>{{t.member}} <input name="user" value="{{query.user}}" size="10"></label> <label>{{t.group}} <input name="group" value="{{query.group}}" size="10"></label>
        <label>{{t.rule}} <input name="rule" value="{{query.rule}}" size="10"></label> <label>{{t.action}} <input name="action" value="{{query.action}}" size="6"></label>
        <label>{{t.from}} <input name="from" value="{{query.from}}" size="10" placeholder="2026-12-01"></label> <label>{{t.to}} <input name="to" value="{{query.to}}" size="10"></label>
        <button id="search">{{t.search}}</button></form>
        <p><span id="found">{{total}}</span> {{t.found}} · {{t.page}} {{page}}/{{pages}} {{#previous}}<a href="{{previous}}">{{t.previous}}</a>{{/previous}} {{#next}}<a href="{{next}}" id="next">{{t.next}}</a>{{/next}}</p>
        {{> actions}}
        """

    static let tryRule = """
        <fieldset><legend>{{t.explain}}</legend><form method="post" action="/console/try/explain" id="try-explain"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.group}} <input name="group" value="{{form.group}}" size="10"></label> <label>{{t.member}} <input name="user" value="{{form.user}}" size="10"></label>
        <label>{{t.role}} <select name="role"><option>member</option><option>admin</option><option>owner</option></select></label>
        <label>{{t.kind}} <input name="kind" value="{{form.kind}}" size="6"></label><br><label>{{t.message}} <input name="text" id="try-text" value="{{form.text}}" size="50"></label>
        <button id="try-go">{{t.explain}}</button></form>{{#explanation}}<pre id="explanation">{{explanation}}</pre>{{/explanation}}</fieldset>
        <fieldset><legend>{{t.report}}</legend><form method="post" action="/console/try/report"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.pasteLog}}<textarea name="log">{{form.log}}</textarea></label><button>{{t.report}}</button></form>{{#report}}<pre id="report">{{report}}</pre>{{/report}}</fieldset>
        {{#canAct}}<fieldset><legend>{{t.compare}}</legend><form method="post" action="/console/try/diff"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.oldRules}} <input name="old" value="{{form.old}}"></label> <label>{{t.newRules}} <input name="new" value="{{form.new}}"></label><br>
        <label>{{t.pasteLog}}<textarea name="log">{{form.diffLog}}</textarea></label><button>{{t.diff}}</button></form>{{#diff}}<pre id="diff">{{diff}}</pre>{{/diff}}</fieldset>{{/canAct}}
        """

    static let shadow = """
        <table id="shadow"><tr><th>{{t.rule}}</th><th class="num">{{t.hits}}</th><th>{{t.examples}}</th></tr>
        {{#rules}}<tr><td>{{rule}}</td><td class="num">{{count}}</td><td><ul>{{#examples}}<li>{{time}} · {{group}} · {{text}}</li>{{/examples}}</ul></td></tr>{{/rules}}
        {{^rules}}<tr><td colspan="3">{{t.nothing}}</td></tr>{{/rules}}</table>
        """

    static let deliveries = """
        <p>{{t.pendingCount}}: <span id="pending-count">{{pending}}</span> · {{t.dead}}: <span id="dead-count">{{deadCount}}</span></p>
        {{#canAct}}{{#hasDead}}<form method="post" action="/console/deliveries/retry"><input type="hidden" name="csrf" value="{{csrf}}"><button id="retry-all">{{t.retryAll}}</button></form>{{/hasDead}}{{/canAct}}
        <table id="dead"><tr><th>ID</th><th>{{t.target}}</th><th class="num">{{t.attempts}}</th><th>{{t.lastError}}</th><th></th></tr>
        {{#dead}}<tr class="dead"><td>{{id}}</td><td>{{target}}</td><td class="num">{{attempts}}</td><td>{{error}}</td><td>{{#canAct}}<form class="inline" method="post" action="/console/deliveries/retry"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}"><button class="retry">{{t.retry}}</button></form>{{/canAct}}</td></tr>{{/dead}}
        {{^dead}}<tr><td colspan="5">{{t.nothing}}</td></tr>{{/dead}}</table>
        """
}
