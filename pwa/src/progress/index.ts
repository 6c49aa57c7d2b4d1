/** The resident's applications and their progress, loaded on demand (a chunk of its own). */
export { ApplicationPage } from "./ApplicationPage";
export { ApplicationsPage } from "./ApplicationsPage";
export { LicensePage, WalletPage } from "./WalletPage";
export { ConfirmationsPage } from "../coapplicant/ConfirmationsPage";
export { NotificationsPage } from "../notify/NotificationsPage";
export { DeliveryPage } from "../delivery/DeliveryPage";
export { PermissionsPage } from "../account/PermissionsPage";
