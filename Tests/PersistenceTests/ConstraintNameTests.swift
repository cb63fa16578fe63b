@testable import Persistence
import Testing

@Suite("Constraint names as the schema declares them")
struct ConstraintNameTests {
    @Test("a Citus shard's suffix is dropped; names of the schema are kept as they are")
    func shardSuffix() {
        #expect(ConstraintViolation.schemaName(of: "actions_tenant_id_owner_id_fkey_102011") == "actions_tenant_id_owner_id_fkey")
        #expect(ConstraintViolation.schemaName(of: "work_item_dependencies_tenant_id_predecessor_id_c1c31639_103160")
                == "work_item_dependencies_tenant_id_predecessor_id_c1c31639")
        #expect(ConstraintViolation.schemaName(of: "actions_tenant_id_owner_id_fkey") == "actions_tenant_id_owner_id_fkey")
        #expect(ConstraintViolation.schemaName(of: "portfolios_name_key1") == "portfolios_name_key1")
        #expect(ConstraintViolation.schemaName(of: "period_12345") == "period_12345")
        #expect(ConstraintViolation.schemaName(of: "") == "")
    }

    @Test("a message that names the constraint gives its name (a Citus coordinator passes no constraint field on)")
    func fromTheMessage() {
        #expect(ConstraintViolation.quotedName(in: #"insert or update on table "actions_103017" violates foreign key constraint "actions_tenant_id_owner_id_fkey_103017""#)
                == "actions_tenant_id_owner_id_fkey_103017")
        #expect(ConstraintViolation.quotedName(in: "duplicate key value") == "")
    }
}
