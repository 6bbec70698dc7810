import type { Access } from "../../auth/policy.js";
import { FieldProblemsError, GatewayError } from "../../errors/gateway-error.js";
import { LOCAL_SOURCE_ID } from "../../domain/model.js";
import type { ContactPatch, CustomerProfile, DirectoryApi } from "../../sources/source.js";
import type { ControllerRow } from "../../store/controllers.js";
import type { CustomerRow } from "../../store/customers.js";
import type { SourceRegistry } from "../registry.js";
import { checkCustomerId, checkNodeId, checkText, MAX_NAME_LENGTH } from "../validate.js";
import { type AuditedWriter, type UserErrorView, withoutNulls } from "./audited.js";

export interface UpsertCustomerInput {
  id?: string | null;
  name: string;
  accounts?: { source: string; externalId: string }[] | null;
}
export interface UpsertControllerInput {
  nodeId: string;
  name?: string | null;
  serialNumber?: string | null;
  customerId?: string | null;
}
export interface UpdateCustomerContactInput {
  customerId: string;
  email?: string | null;
  phoneNumber?: string | null;
  mobileNumber?: string | null;
}
export interface UpdateContactResult {
  profile: CustomerProfile | null;
  errors: UserErrorView[];
}

/** What updateCustomerContact's check found: where the change goes, and the change. */
interface ContactChange {
  directory: DirectoryApi;
  accountId: string;
  patch: ContactPatch;
}

/**
 * The gateway's federation map and controller registry (admins only), and contact details at the directory
 * vendor (anyone who may see the customer).
 */
export class CustomerMutations {
  constructor(
    private readonly writer: AuditedWriter,
    private readonly sources: SourceRegistry,
    private readonly access: Access,
  ) {}

  upsertCustomer(input: UpsertCustomerInput): Promise<CustomerRow> {
    return this.writer.failuresAudited(
      "upsertCustomer",
      input,
      () => this.mayUpsertCustomer(input),
      (accounts) =>
        this.writer.commit("upsertCustomer", input, (tx) =>
          tx.customers.upsert({
            ...(input.id ? { id: input.id } : {}),
            name: input.name,
            accounts,
            sourceIds: this.sources.all().map((s) => s.id),
          }),
        ),
    );
  }

  /** Admins only; every account names a source that takes accounts, with an id that source can have. */
  private mayUpsertCustomer(input: UpsertCustomerInput): NonNullable<UpsertCustomerInput["accounts"]> {
    this.access.requireAdmin("change the federation map");
    if (input.id !== undefined && input.id !== null) checkText(input.id, ["input", "id"], "a customer id", MAX_NAME_LENGTH);
    checkText(input.name, ["input", "name"], "a customer name", MAX_NAME_LENGTH);
    const accounts = input.accounts ?? [];
    accounts.forEach((account, i) => {
      const field = ["input", "accounts", String(i)];
      const source = this.sources.require(account.source, [...field, "source"]);
      if (source.id === LOCAL_SOURCE_ID) {
        throw new GatewayError("BAD_USER_INPUT", "local licenses belong to the customer directly; no account is needed", {
          field: [...field, "source"],
        });
      }
      checkText(account.externalId, [...field, "externalId"], "an account id", MAX_NAME_LENGTH);
      const problem = source.validateAccountId?.(account.externalId);
      if (problem) throw new GatewayError("BAD_USER_INPUT", problem, { field: [...field, "externalId"], source: source.id });
    });
    return accounts;
  }

  upsertController(input: UpsertControllerInput): Promise<ControllerRow> {
    return this.writer.failuresAudited(
      "upsertController",
      input,
      () => {
        this.access.requireAdmin("register controllers");
        checkNodeId(input.nodeId);
        if (input.name) checkText(input.name, ["input", "name"], "a controller name", MAX_NAME_LENGTH);
        if (input.serialNumber) checkText(input.serialNumber, ["input", "serialNumber"], "a serial number", MAX_NAME_LENGTH);
        if (input.customerId) checkCustomerId(input.customerId, ["input", "customerId"]);
      },
      () => this.writer.commit("upsertController", input, (tx) => tx.controllers.upsert(input)),
    );
  }

  /**
   * Changes contact details at the directory vendor where the customer has an account (eSmart), after checking
   * the vendor's rules field by field. Nothing is stored locally: the vendor holds the profile.
   */
  updateCustomerContact(input: UpdateCustomerContactInput): Promise<UpdateContactResult> {
    return this.writer.withPayload<UpdateContactResult, ContactChange>(
      "updateCustomerContact",
      input,
      { profile: null },
      () => this.mayUpdateContact(input),
      async ({ directory, accountId, patch }) => {
        const profile = await directory.updateContact(accountId, patch);
        return this.writer.commit("updateCustomerContact", input, async () => ({ profile, errors: [] }));
      },
    );
  }

  /** A customer the principal sees, with an account at a directory source, and a patch that source's rules accept. */
  private async mayUpdateContact(input: UpdateCustomerContactInput): Promise<ContactChange> {
    checkCustomerId(input.customerId, ["input", "customerId"]);
    const patch: ContactPatch = withoutNulls({ email: input.email, phoneNumber: input.phoneNumber, mobileNumber: input.mobileNumber });
    const [customer] = await this.writer.store.customers.getMany([input.customerId]);
    // One error for a missing customer and one the principal may not see: the answer must not tell them apart.
    if (!customer || !this.access.seesCustomer(customer.id))
      throw new GatewayError("NOT_FOUND", `no customer with id ${input.customerId}`, { field: ["input", "customerId"] });
    const accounts = await this.writer.store.customers.accountsOf([customer.id]);
    const account = accounts.find((a) => this.sources.find(a.source)?.directory);
    if (!account) {
      throw new GatewayError("UNSUPPORTED_BY_SOURCE", `customer ${customer.id} has no account at a source that keeps contact details`, {
        field: ["input", "customerId"],
      });
    }
    const directory = this.sources.find(account.source)!.directory!;
    const problems = directory.validateContact(patch);
    // Checked by the gateway before any call, like every other input check: no source reported these.
    if (problems.length > 0) throw new FieldProblemsError(problems);
    return { directory, accountId: account.externalId, patch };
  }
}
