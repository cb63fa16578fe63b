/// The console's pages as Mustache templates (`{{x}}` is HTML-escaped; only `{{{content}}}` and
/// `{{{chart}}}`, which the console renders itself, are not). Plain semantic HTML: a label for every
/// field, one `h1` per page, tables with captions and header cells, and forms that work without
/// JavaScript (there is none).
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "sign-in": signIn, "tenants": tenants, "tenant": tenant, "new-tenant": newTenant,
        "audit": audit, "problem": problem, "invitation": invitation,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · PMO console</title>
        <style>\(ConsoleStyle.css)</style>
        </head>
        <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header>
        <p class="brand">PMO console</p>
        {{#signedIn}}
        <nav aria-label="Console">
        <ul>
        <li><a href="/console/tenants">Tenants</a></li>
        <li><a href="/console/tenants/new">Create a tenant</a></li>
        <li><a href="/console/audit">Platform audit log</a></li>
        </ul>
        </nav>
        <form method="post" action="/console/sign-out" class="sign-out">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span>Signed in as {{role}}</span>
        <button type="submit">Sign out</button>
        </form>
        {{/signedIn}}
        </header>
        <main id="main">
        {{#notice}}<p class="notice" role="status">{{.}}</p>{{/notice}}
        {{{content}}}
        </main>
        </body>
        </html>
        """

    static let signIn = """
        <h1>Sign in</h1>
        {{#failure}}<p class="error" role="alert">{{.}}</p>{{/failure}}
        <form method="post" action="/console/sign-in">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="key">Operator key</label>
        <input id="key" name="key" type="password" autocomplete="off" required size="70" aria-describedby="key-help"></p>
        <p id="key-help" class="help">The <code>pmo_op_…</code> key that <code>pmo-admin operator create</code> printed. The session lasts 8 hours or until you sign out.</p>
        <p><button type="submit">Sign in</button></p>
        </form>
        """

    static let tenants = """
        <h1>Tenants</h1>
        <p>{{scope}}</p>
        <table>
        <caption>Tenants, with their onboarding and this billing period's API requests</caption>
        <thead><tr><th scope="col">Tenant</th><th scope="col">Status</th><th scope="col">Plan</th><th scope="col">Account managers</th><th scope="col">Onboarding</th><th scope="col">API requests this period</th></tr></thead>
        <tbody>
        {{#tenants}}
        <tr>
        <th scope="row"><a href="/console/tenants/{{id}}">{{name}}</a> <span class="slug">{{slug}}</span></th>
        <td><span class="status status-{{status}}">{{status}}</span></td>
        <td>{{plan}}</td>
        <td>{{managers}}</td>
        <td><progress max="{{stepsTotal}}" value="{{stepsDone}}" aria-label="Onboarding steps done">{{stepsDone}} of {{stepsTotal}}</progress> {{stepsDone}} of {{stepsTotal}}</td>
        <td>{{usage}}</td>
        </tr>
        {{/tenants}}
        {{^tenants}}<tr><td colspan="6">No tenants to show.</td></tr>{{/tenants}}
        </tbody>
        </table>
        {{#nextCursor}}<p><a href="/console/tenants?cursor={{.}}">More tenants</a></p>{{/nextCursor}}
        """

    static let tenant = """
        <h1>{{tenant.name}} <span class="slug">{{tenant.slug}}</span></h1>
        <section aria-labelledby="summary">
        <h2 id="summary">Summary</h2>
        <dl>
        <dt>Status</dt><dd><span class="status status-{{tenant.status}}">{{tenant.status}}</span>{{#tenant.statusReason}} — {{.}}{{/tenant.statusReason}}</dd>
        <dt>Plan</dt><dd>{{tenant.plan}}</dd>
        <dt>Account managers</dt><dd>{{managers}}</dd>
        <dt>Id</dt><dd><code>{{tenant.id}}</code></dd>
        </dl>
        </section>

        <section aria-labelledby="checklist">
        <h2 id="checklist">Onboarding checklist</h2>
        <p>{{checklistSummary}}</p>
        <table>
        <caption>Steps, in order</caption>
        <thead><tr><th scope="col">Step</th><th scope="col">State</th><th scope="col">By, when</th><th scope="col" class="no-print">Change</th></tr></thead>
        <tbody>
        {{#steps}}
        <tr>
        <th scope="row">{{title}}{{#mandatory}} <span class="tag">mandatory</span>{{/mandatory}}{{#observed}} <span class="tag">ticks itself</span>{{/observed}}</th>
        <td><span class="state state-{{state}}">{{state}}</span></td>
        <td>{{by}} {{at}}</td>
        <td class="no-print">
        {{#editable}}
        <form method="post" action="/console/tenants/{{tenantId}}/onboarding/{{step}}" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#canTick}}<button type="submit" name="state" value="done">Mark “{{title}}” done</button>{{/canTick}}
        {{#skippable}}<button type="submit" name="state" value="skipped">Skip “{{title}}”</button>{{/skippable}}
        {{#canReset}}<button type="submit" name="state" value="pending">Reset “{{title}}”</button>{{/canReset}}
        </form>
        {{/editable}}
        </td>
        </tr>
        {{/steps}}
        </tbody>
        </table>
        </section>

        {{#invitable}}
        <section aria-labelledby="owner" class="no-print">
        <h2 id="owner">First owner</h2>
        {{#invitation}}
        <div class="notice" role="status">
        <p>Invitation for {{email}} made. Give them this token; it is shown only now and expires {{expiresAt}}:</p>
        <p><code class="token">{{token}}</code></p>
        </div>
        {{/invitation}}
        <form method="post" action="/console/tenants/{{tenant.id}}/owner-invitation">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="owner-email">E-mail</label> <input id="owner-email" name="email" type="email" required></p>
        <p><label for="owner-name">Name (optional)</label> <input id="owner-name" name="name" type="text"></p>
        <p><button type="submit">Invite the first owner</button></p>
        </form>
        </section>
        {{/invitable}}

        {{#hasMoves}}
        <section aria-labelledby="lifecycle" class="no-print">
        <h2 id="lifecycle">Lifecycle</h2>
        <form method="post" action="/console/tenants/{{tenant.id}}/status">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <fieldset>
        <legend>Move the tenant to</legend>
        {{#moves}}<p><input type="radio" id="move-{{.}}" name="status" value="{{.}}" required> <label for="move-{{.}}">{{.}}</label></p>{{/moves}}
        </fieldset>
        <p><label for="reason">Reason (needed to suspend, resume or offboard)</label> <input id="reason" name="reason" type="text" maxlength="500" size="60"></p>
        <p><input type="checkbox" id="confirm" name="confirm" value="yes" required> <label for="confirm">I confirm this change of {{tenant.slug}}</label></p>
        <p><button type="submit">Change the status</button></p>
        </form>
        </section>
        {{/hasMoves}}

        <section aria-labelledby="usage">
        <h2 id="usage">Usage this period</h2>
        {{#period}}<p>Billing period {{.}}. {{usageSummary}}</p>{{/period}}
        {{^period}}<p>No subscription in force.</p>{{/period}}
        <figure>
        {{{chart}}}
        <figcaption>API requests per day</figcaption>
        </figure>
        <table>
        <caption>API requests per day</caption>
        <thead><tr><th scope="col">Day</th><th scope="col">Requests</th></tr></thead>
        <tbody>
        {{#days}}<tr><th scope="row">{{day}}</th><td>{{calls}}</td></tr>{{/days}}
        {{^days}}<tr><td colspan="2">No requests yet this period.</td></tr>{{/days}}
        </tbody>
        </table>
        </section>

        <section aria-labelledby="invoices">
        <h2 id="invoices">Invoices</h2>
        <table>
        <caption>Invoices, newest first</caption>
        <thead><tr><th scope="col">Number</th><th scope="col">Period</th><th scope="col">Status</th><th scope="col">Total</th><th scope="col">Paid</th></tr></thead>
        <tbody>
        {{#invoices}}<tr><th scope="row">{{number}}</th><td>{{period}}</td><td>{{status}}</td><td>{{total}}</td><td>{{paid}}</td></tr>{{/invoices}}
        {{^invoices}}<tr><td colspan="5">No invoices yet.</td></tr>{{/invoices}}
        </tbody>
        </table>
        </section>
        """

    static let newTenant = """
        <h1>Create a tenant</h1>
        <p>The tenant starts in <em>provisioning</em> on the plan chosen{{#isAccountManager}}, and you look after it{{/isAccountManager}}.</p>
        <form method="post" action="/console/tenants">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="slug">Slug</label> <input id="slug" name="slug" type="text" required pattern="[a-z0-9][a-z0-9-]{1,62}" aria-describedby="slug-help" value="{{slug}}">
        <span id="slug-help" class="help">Lower-case letters, digits and hyphens; 2–63 characters; never reused.</span></p>
        <p><label for="name">Name</label> <input id="name" name="name" type="text" required maxlength="200" value="{{name}}"></p>
        <p><label for="plan">Plan</label> <select id="plan" name="plan" required>
        {{#plans}}<option value="{{code}}">{{name}} ({{code}})</option>{{/plans}}
        </select></p>
        <p><button type="submit">Create the tenant</button></p>
        </form>
        """

    static let audit = """
        <h1>Platform audit log</h1>
        <table>
        <caption>Platform writes, oldest first{{#tenantFilter}}, on tenant {{.}}{{/tenantFilter}}</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Operation</th><th scope="col">Tenant</th><th scope="col">Changed</th><th scope="col">Reason</th></tr></thead>
        <tbody>
        {{#events}}<tr><td>{{occurredAt}}</td><td>{{actor}}</td><th scope="row">{{operation}}</th><td>{{#tenantId}}<a href="/console/tenants/{{.}}">{{.}}</a>{{/tenantId}}</td><td>{{changed}}</td><td>{{reason}}</td></tr>{{/events}}
        {{^events}}<tr><td colspan="6">Nothing recorded yet.</td></tr>{{/events}}
        </tbody>
        </table>
        {{#nextCursor}}<p><a href="/console/audit?cursor={{.}}{{#tenantFilter}}&amp;tenantId={{.}}{{/tenantFilter}}">Later events</a></p>{{/nextCursor}}
        """

    static let invitation = """
        <h1>Invitation made</h1>
        <div class="notice" role="status">
        <p>Invitation for {{email}} made. Give them this token; it is shown only now and expires {{expiresAt}}:</p>
        <p><code class="token">{{token}}</code></p>
        </div>
        <p><a href="/console/tenants">Back to the tenants</a></p>
        """

    static let problem = """
        <h1>{{title}}</h1>
        <p class="error" role="alert">{{detail}}</p>
        {{#hasFields}}<ul>{{#fields}}<li>{{.}}</li>{{/fields}}</ul>{{/hasFields}}
        <p><a href="{{back}}">Back</a></p>
        """
}

/// One stylesheet, inline (the console loads nothing else): readable on screen, and a tenant page
/// that prints as a clean record without its forms.
enum ConsoleStyle {
    static let css = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.5}
        header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.5rem 1.5rem;background:#0b3d60;color:#fff}
        header a{color:#fff}.brand{font-weight:700;margin:0}
        nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
        .sign-out{margin-left:auto}
        main{padding:1rem 1.5rem;max-width:72rem}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
        a:focus,button:focus,input:focus,select:focus{outline:3px solid #f5a623;outline-offset:2px}
        table{border-collapse:collapse;margin:1rem 0;width:100%}
        caption{text-align:left;font-weight:600;padding:.25rem 0}
        th,td{border-bottom:1px solid #ccc;padding:.4rem .6rem;text-align:left;vertical-align:top}
        thead th{background:#eef3f7}
        .slug{color:#555;font-family:monospace;font-weight:400}
        .status,.state,.tag{display:inline-block;padding:0 .4rem;border-radius:.25rem;background:#e6e6e6;font-size:.9em}
        .status-active,.state-done{background:#d4edda}.status-suspended{background:#f8d7da}
        .status-onboarding,.status-provisioning,.state-pending{background:#fff3cd}.status-offboarding,.status-deleted{background:#ddd}
        .notice{background:#e7f1fb;border-left:4px solid #0b61a4;padding:.5rem 1rem}
        .error{background:#fbe9e9;border-left:4px solid #b00020;padding:.5rem 1rem}
        .help{color:#555;font-size:.9em}.token{word-break:break-all}
        form.inline{display:flex;flex-wrap:wrap;gap:.5rem}
        button{font:inherit;padding:.3rem .8rem}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
        .chart rect{fill:#0b61a4}.chart text{font-size:10px;fill:#333}
        @media print{
          header,.no-print,.skip{display:none!important}
          body{font-size:11pt;color:#000}main{padding:0;max-width:none}
          a{color:#000;text-decoration:none}
          table{page-break-inside:auto}tr{page-break-inside:avoid}
          .status,.state,.tag{border:1px solid #000;background:none}
          .chart rect{fill:#000}
        }
        """
}
