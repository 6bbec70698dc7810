import { cryptolensVendor } from "./cryptolens/vendor.js";
import { customerareaVendor } from "./customerarea/vendor.js";
import { enirisVendor } from "./eniris/vendor.js";
import { esmartVendor } from "./esmart/vendor.js";

/**
 * Every vendor the gateway can call: the one place that names them. Config parsing (src/config/schema.ts), source
 * creation (create.ts) and the demo (src/demo/) go through this list, so a vendor is its folder plus one line
 * here. The order is the one the config's error for an unknown `kind`
 * lists them in, and the one a demo customer's accounts are listed in.
 */
export const VENDORS = [enirisVendor, cryptolensVendor, customerareaVendor, esmartVendor] as const;
