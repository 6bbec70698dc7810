import type { GraphiqlExample } from "./graphiql.js";

/**
 * The operations GraphiQL opens as tabs, written for the demo data (src/demo/seed.ts and the simulators' seeds).
 * A test runs each one against the demo, in this order, and expects it to succeed.
 */
export const DEMO_EXAMPLES: GraphiqlExample[] = [
  {
    name: "All customers and their licenses",
    query: `# Every customer with the first page of their licenses from all sources (ordered by id), and the controllers
# each license is linked to. Pass a page's pageInfo.endCursor as \`after\` to get the next one.
query AllCustomersAndLicenses {
  customers {
    totalCount
    edges {
      node {
        name
        licensesConnection(first: 10) {
          totalCount
          edges {
            node {
              key
              status
              source {
                id
              }
              datalinks {
                controller {
                  nodeId
                }
              }
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    }
  }
}
`,
  },
  {
    name: "Sources",
    query: `# The license sources this gateway federates: vendor platforms and its own local store.
query Sources {
  sources {
    id
    kind
  }
}
`,
  },
  {
    name: "One customer",
    query: `# One customer across all five sources: accounts, eSmart profile, licenses from every vendor,
# controllers with their eSmart hardware, and what Customerarea's catalogue offers them.
query OneCustomer($id: ID!) {
  customer(id: $id) {
    id
    name
    accounts {
      source {
        id
        kind
      }
      externalId
    }
    profile {
      email
      phoneNumber
      city
    }
    licensesConnection(first: 20) {
      totalCount
      edges {
        node {
          id
          key
          status
          features
          expiresAt
          source {
            id
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    controllers {
      nodeId
      name
      serialNumber
      hardware {
        active
        lastSeenAt
        firmwareVersion
        devices {
          type
          serialNumber
        }
      }
    }
    availableLicenses(durationMonths: 12) {
      code
      name
      price
      currency
    }
  }
}
`,
    variables: { id: "demo-customer-1" },
  },
  {
    name: "A controller's licenses",
    query: `# A controller by node id, its owner, and the licenses
# linked to it by datalinks, ten at a time: pass
# pageInfo.endCursor as $after for the next page.
query ControllerLicenses($nodeId: ID!, $after: String) {
  controller(nodeId: $nodeId) {
    nodeId
    name
    serialNumber
    customer {
      id
      name
    }
    licensesConnection(first: 10, after: $after) {
      totalCount
      edges {
        node {
          key
          type
          status
          gridKw
          solarKw
          batteryKw
          evKw
          activatedAt
          expiresAt
          source {
            id
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
`,
    variables: { nodeId: "sofar-ctrl-001" },
  },
  {
    name: "Activate a license",
    query: `# Activate a license at its source; one-way. Refusals (e.g. LICENSE_ALREADY_ACTIVATED) come back in errors.
mutation ActivateLicense($source: ID!, $key: String!) {
  activateLicense(input: { source: $source, key: $key }) {
    license {
      key
      status
      activatedAt
      expiresAt
    }
    errors {
      code
      message
      field
    }
  }
}
`,
    variables: { source: "sofar", key: "SOFAR-RES-0003" },
  },
  {
    name: "Claim a license",
    query: `# Link a license to a controller (a datalink). Refusals such as LICENSE_ALREADY_CLAIMED come back in errors.
mutation ClaimLicense($source: ID!, $key: String!, $nodeId: ID!) {
  claimLicense(input: { source: $source, key: $key, nodeId: $nodeId }) {
    datalink {
      id
      nodeId
      createdAt
      controller {
        nodeId
        name
      }
    }
    license {
      key
      status
    }
    errors {
      code
      message
      field
    }
  }
}
`,
    variables: { source: "local", key: "LOC-DEMO-0001", nodeId: "sofar-ctrl-002" },
  },
  {
    name: "Issue a local license",
    query: `# Issue a new license in the gateway's own local store, owned by a customer.
mutation IssueLocalLicense($input: IssueLicenseInput!) {
  issueLicense(input: $input) {
    id
    key
    type
    status
    gridKw
    solarKw
    batteryKw
    evKw
    durationMonths
    source {
      id
    }
    customer {
      id
      name
    }
  }
}
`,
    variables: {
      input: {
        key: "LOC-DEMO-0100",
        type: "residential",
        gridKw: 10,
        solarKw: 8,
        batteryKw: 10,
        evKw: 11,
        durationMonths: 12,
        customerId: "demo-customer-1",
      },
    },
  },
  {
    name: "Claim a Cryptolens key",
    query: `# Cryptolens: a claim is key/Activate with the controller's nodeId as machine code.
mutation ClaimCryptolensKey($input: ClaimLicenseInput!) {
  claimLicense(input: $input) {
    datalink {
      id
      nodeId
    }
    license {
      key
      maxControllers
      datalinks {
        nodeId
      }
    }
    errors {
      code
      message
      field
    }
  }
}
`,
    variables: { input: { source: "cryptolens", key: "MUEYW-BFRJX-TKCVL-QAHZN", nodeId: "sgo-ctrl-004" } },
  },
  {
    name: "Release it again",
    query: `# Undo a claim: key/Deactivate at Cryptolens; removes the gateway's link for local and Customerarea licenses.
mutation ReleaseLicense($input: ReleaseLicenseInput!) {
  releaseLicense(input: $input) {
    license {
      key
      datalinks {
        nodeId
      }
    }
    errors {
      code
      message
    }
  }
}
`,
    variables: { input: { source: "cryptolens", key: "MUEYW-BFRJX-TKCVL-QAHZN", nodeId: "sgo-ctrl-004" } },
  },
  {
    name: "Assign a demo license",
    query: `# Customerarea: a free demo license (two per customer at most; the third is DEMO_LIMIT_REACHED).
mutation AssignDemo($input: AssignDemoLicenseInput!) {
  assignDemoLicense(input: $input) {
    license {
      id
      key
      status
      expiresAt
    }
    errors {
      code
      message
      field
    }
  }
}
`,
    variables: { input: { customerId: "demo-customer-3", source: "flashstart", lang: "EN" } },
  },
  {
    name: "Update contact details",
    query: `# eSmart: checked against the vendor's rules (digits only, at most 14; a valid e-mail) before the PATCH.
mutation UpdateContact($input: UpdateCustomerContactInput!) {
  updateCustomerContact(input: $input) {
    profile {
      email
      phoneNumber
      mobileNumber
    }
    errors {
      code
      message
      field
    }
  }
}
`,
    variables: { input: { customerId: "demo-customer-2", phoneNumber: "3247012345" } },
  },
];
