@testable import Persistence
import Testing

@Suite("Migration files split into statements")
struct SQLStatementsTests {
    @Test("semicolons end statements; blank and comment-only pieces are dropped")
    func plainStatements() {
        let sql = """
            -- a comment; with a semicolon
            create table a (id int);

            /* block; comment */
            insert into a values (1);
            -- trailing comment only
            """
        #expect(SQLStatements.split(sql) == [
            "-- a comment; with a semicolon\ncreate table a (id int)",
            "/* block; comment */\ninsert into a values (1)",
        ])
    }

    @Test("semicolons inside strings, identifiers, escape strings and nested comments stay in the statement")
    func quotedText() {
        let sql = #"""
            insert into a values ('it''s; fine', E'back\'slash; too', "odd;name");
            /* outer /* inner; */ still comment; */ select 1;
            select 'tail'
            """#
        #expect(SQLStatements.split(sql) == [
            #"insert into a values ('it''s; fine', E'back\'slash; too', "odd;name")"#,
            "/* outer /* inner; */ still comment; */ select 1",
            "select 'tail'",
        ])
    }

    @Test("dollar-quoted bodies are one statement, whatever their tag; $1 is not a tag")
    func dollarQuoting() {
        let sql = """
            create function f(p int) returns int language plpgsql as $$
            begin perform 1; return p; end $$;
            create function g() returns text language sql as $body$ select 'a;$$;b' $body$;
            prepare q as select $1::int; select a$b$c from t;
            """
        #expect(SQLStatements.split(sql) == [
            "create function f(p int) returns int language plpgsql as $$\nbegin perform 1; return p; end $$",
            "create function g() returns text language sql as $body$ select 'a;$$;b' $body$",
            "prepare q as select $1::int",
            "select a$b$c from t",
        ])
    }

    @Test("every bundled migration splits into statements that each hold code")
    func bundledMigrations() throws {
        for migration in try Migration.bundled() {
            let statements = SQLStatements.split(migration.sql)
            #expect(!statements.isEmpty, "\(migration.fileName)")
            #expect(statements.allSatisfy { !$0.hasSuffix(";") }, "\(migration.fileName)")
        }
    }
}
