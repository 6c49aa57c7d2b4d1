/** Locales the PWA ships. zh-CN is the default; en when the browser prefers English. */
export type Locale = "zh-CN" | "en";

/**
 * Every user-facing string of the app. Each locale file implements this interface, so a
 * message missing from one language is a type error rather than a blank on screen. Labels of
 * services, questions and fields come from the catalog API in both languages, not from here.
 */
export interface Messages {
  /** Document title (tab, bookmarks, installed-app switcher), and the suffix of page titles. */
  documentTitle: string;
  /** Product name in the current language, and in the other one (shown smaller). */
  productName: string;
  productNameAlt: string;
  tagline: string;
  skipLink: string;
  elderlyToggle: string;
  elderlyToggleHint: string;
  bundlesHeading: string;
  bundlesLoading: string;
  bundlesUnavailable: string;
  bundlesEmpty: string;
  retry: string;
  bundleServices: (count: number) => string;
  bundleTimeLimit: (workingDays: number) => string;
  widgetError: string;
  startupError: string;

  // Shared by the pages below.
  loading: string;
  loadFailed: string;
  back: string;
  backHome: string;
  notFoundTitle: string;
  notFoundText: string;
  bundleNotFound: string;
  workingDays: (days: number) => string;
  yes: string;
  no: string;
  /** Read by screen readers before each error message. */
  errorPrefix: string;
  /** Prefix of the document title while a page shows errors. */
  errorTitlePrefix: string;
  errorSummaryTitle: string;

  // Bundle intro.
  introTimeLimit: (workingDays: number) => string;
  situationsHeading: string;
  optionalHeading: string;
  optionalHint: string;
  servicesHeading: string;
  servicesSummary: (services: number, departments: number) => string;
  serviceAfter: (names: string) => string;
  serviceMailed: string;
  serviceAutomatic: string;
  excludedHeading: string;
  excludedBecause: (question: string, answer: string) => string;
  materialsHeading: string;
  materialsHint: string;
  materialsNone: string;
  materialIfAny: string;
  materialReplacedBy: (licenses: string) => string;
  stepsHeading: (steps: number) => string;
  start: string;
  resume: string;
  listSeparator: string;

  // Form wizard.
  stepOf: (step: number, steps: number) => string;
  requiredHint: string;
  requiredMark: string;
  /** A unit read out with a field's label, e.g. "（克）". */
  unitInLabel: (unit: string) => string;
  optionalMark: string;
  choose: string;
  continue: string;
  checking: string;
  toReview: string;
  uploadLater: string;
  regionHint: string;
  idNumberHint: string;
  stepGone: string;
  toFirstStep: string;

  // Review.
  reviewTitle: string;
  reviewIntro: string;
  change: string;
  notAnswered: string;
  chosenServices: string;
  none: string;
  reviewChecking: string;
  reviewValid: string;
  reviewNext: string;
  reviewOffline: string;

  // Sign-in.
  accountNav: string;
  signIn: string;
  signOut: string;
  signingIn: string;
  signInFailed: string;
  signInAgain: string;
  signInToUpload: string;
  signInToSubmit: string;
  signInToSee: string;

  // Draft autosave.
  draftSaving: string;
  draftSaved: string;
  draftOffline: string;
  draftFailed: string;

  // Materials.
  materialsTitle: string;
  materialsIntro: string;
  notUploaded: string;
  uploading: string;
  uploaded: string;
  uploadRefused: string;
  uploadBadType: string;
  uploadTooLarge: (megabytes: number) => string;
  uploadOffline: string;
  uploadFailed: string;
  materialsAllThere: string;
  materialsMissing: (names: string) => string;
  licenseInstead: string;
  useLicense: (name: string, holder: string) => string;
  licenseUsed: (name: string, holder: string) => string;
  licenseIdentifier: (identifier: string) => string;
  licenseUnusable: string;
  uploadInstead: string;
  licenseFailed: string;
  materialMissing: string;

  // Submission.
  submit: string;
  submitting: string;
  submitAgain: string;
  submitOffline: string;
  submitFailed: string;

  // Progress.
  myApplications: string;
  noApplications: string;
  progressTitle: string;
  submittedOn: (date: string) => string;
  promisedBy: (date: string) => string;
  byDepartment: string;
  duePromised: string;
  duePlanned: string;
  decidedOn: string;
  notYet: string;
  overdue: string;
  waitsFor: (names: string) => string;
  timelineTitle: string;
  timelineEntry: (service: string, what: string) => string;
  timelineOther: string;
  byAgent: string;
  /** After a timeline entry: which agent did it. */
  byAgentNamed: (name: string) => string;
  /** On the progress page: the agent who submitted for the resident. */
  submittedByAgent: (name: string | null, date: string) => string;
  taskStates: Record<string, string>;
  applicationStatuses: Record<string, string>;
  timelineKinds: Record<string, string>;

  // Clerk console.
  inboxTitle: string;
  decisionRefused: string;
  decisionFailed: string;

  // Offline.
  offlineTitle: string;
  offlineText: string;
  chooseFile: string;
  uploadAgain: string;

  // Agent mode and delegations.
  agentTitle: string;
  validUntil: (date: string) => string;
  actingFor: (who: string) => string;
  stopActing: string;
  myDelegations: string;
  revokeDelegation: string;

  // Wallet.
  walletTitle: string;
  walletEmpty: string;
  licenseNumber: string;
  licenseIssuer: string;
  licenseIssuedOn: string;
  licenseVerify: string;
  /** The QR code's text alternative: which license it verifies and the page it opens. */
  licenseQrLabel: (license: string, url: string) => string;
  licenseQrHint: string;
  copyReason: string;
  copyReasonHint: string;
  copyRequest: string;
  copyDownload: (date: string) => string;
  /** `source`: fromLicense(…), fromLastTime, or the mini-app that sent the value. */
  prefilledFrom: (source: string) => string;
  fromLicense: (name: string) => string;
  fromLastTime: string;
  /** Reasons of suggested answers (shown after prefilledFrom's "source"). */
  suggestedFromHead: string;
  suggestedDefault: string;

  // Co-applicant confirmation (the other parent confirms from their own account).
  coApplicantTitle: string;
  coApplicantIntro: string;
  coApplicantPhone: string;
  coApplicantPhoneHint: string;
  coApplicantAsk: string;
  coApplicantAskAgain: string;
  coApplicantNotAsked: string;
  coApplicantWaiting: (phone: string) => string;
  coApplicantConfirmed: (phone: string) => string;
  coApplicantDeclined: (reason: string) => string;
  coApplicantChanged: string;
  coApplicantFailed: string;
  confirmationsTitle: string;
  confirmationsEmpty: string;
  confirmationsAnswered: string;
  confirmationFrom: (phone: string, bundle: string) => string;
  confirmationIntro: string;
  confirmationConfirm: string;
  confirmationDecline: string;
  confirmationDeclineReason: string;
  confirmationReasonNeeded: string;
  confirmationConfirmed: string;
  confirmationDeclined: (reason: string) => string;

  // Messages (消息), notification preferences and push.
  messagesTitle: string;
  messagesUnreadLabel: (count: number) => string;
  noMessages: string;
  unreadCount: (count: number) => string;
  unreadTag: string;
  markRead: string;
  viewApplication: string;
  notifyPreferences: string;
  prefPush: string;
  prefSms: string;
  prefLanguage: string;
  languageZh: string;
  languageEn: string;
  save: string;
  prefsSaved: string;
  pushOnThisPhone: string;
  pushHint: string;
  pushTurnOn: string;
  pushOn: string;
  pushDenied: string;
  pushUnavailable: string;

  // Delivery: mail home or collect at a hall, parcels and tracking.
  deliveryTitle: string;
  deliveryHow: string;
  deliveryMail: string;
  deliveryCollect: string;
  deliveryMailTo: (address: string) => string;
  deliveryHall: string;
  hallDetails: (address: string, hours: string) => string;
  deliveryRecipient: string;
  deliveryPhone: string;
  deliveryRegion: string;
  regionProvince: string;
  regionCity: string;
  regionCounty: string;
  deliveryStreet: string;
  deliveryChange: string;
  deliveryFix: string;
  deliveryLocked: string;
  deliveryNone: string;
  trackingTitle: string;
  noParcels: string;
  parcelNumber: (n: number) => string;
  parcelContains: (names: string) => string;
  trackingNumber: (courier: string, number: string) => string;
  shipsOn: (date: string) => string;
  parcelReturned: (n: number) => string;
  parcelStates: Record<string, string>;

  pickupCode: (code: string) => string;

  // 授权管理: delegations and consents to mini-apps.
  permissionsTitle: string;
  permissionsIntro: string;
  noDelegations: string;
  delegationAgent: (name: string) => string;
  consentsTitle: string;
  noConsents: string;
  consentGranted: (date: string) => string;
  withdrawConsent: string;

  // Sharing a license with the other parent.
  shareTitle: string;
  shareHint: (days: number) => string;
  shareIdNumber: string;
  sharePurpose: string;
  shareButton: string;
  shared: (date: string) => string;

  rememberMe: string;
  rememberedTitle: string;
  rememberedNone: string;
  rememberedCount: (count: number) => string;
  rememberedForget: string;
}
