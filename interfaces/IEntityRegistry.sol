// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @dev Entity capability flags, granted by the council (`ActionKind.SetCapabilities`).
/// An inspector attaches certificates to items (a regulator, a hospital, a test lab).
uint8 constant CAP_INSPECTOR = 1;
/// @dev A recall authority may recall any lot, not only its own (a market regulator).
uint8 constant CAP_RECALL_AUTHORITY = 2;

/// @title Consortium membership: entities, their accounts, and council governance
/// @notice The single source of truth for who is in the consortium. DataSharing and Provenance
/// ask `memberOf` at every use, so suspending an entity stops all of its accounts everywhere.
/// @dev Bulky text (names, dossier URIs) lives only in events; storage holds one packed slot
/// per entity, one per account, the registration-code index, and one bit per entity that is set
/// while it is active (256 entities to a word).
interface IEntityRegistry {
    // ---------------------------------------------------------------- types

    /// @notice What kind of organisation an entity is (for listings and filters only).
    enum EntityKind {
        GovernmentDepartment,
        University,
        Bank,
        Hospital,
        CarMaker,
        PowerCompany,
        Regulator,
        Other
    }

    /// @notice An entity's standing; only Active entities act anywhere in the consortium.
    /// @dev `None` marks an id that was never admitted.
    enum EntityStatus {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @notice An account's role in its entity: admins manage accounts and vote, operators act.
    enum AccountRole {
        None,
        Operator,
        Admin
    }

    /// @notice What a proposal does when executed; each kind has its own voting rule.
    enum ActionKind {
        Admit, // payload: abi.encode(NewEntity[])
        Suspend, // payload: abi.encode(uint32 entityId, bytes32 reason)
        Reinstate, // payload: abi.encode(uint32 entityId, bytes32 reason)
        Revoke, // payload: abi.encode(uint32 entityId, bytes32 reason)
        AddCouncil, // payload: abi.encode(uint32 entityId)
        RemoveCouncil, // payload: abi.encode(uint32 entityId)
        SetCapabilities, // payload: abi.encode(uint32 entityId, uint8 capabilities)
        SetRule, // payload: abi.encode(ActionKind kind, VotingRule rule)
        Call, // payload: abi.encode(address target, bytes data): the council acting on another contract
        AddValidator, // payload: abi.encode(uint32 entityId, address validator): a Clique signer run by the entity
        RemoveValidator // payload: abi.encode(uint32 entityId, address validator)
    }

    /// @notice A proposal's lifecycle; an expired proposal stays Open but can no longer be voted or executed.
    enum ProposalStatus {
        None,
        Open,
        Executed,
        Cancelled
    }

    /// @notice A ballot.
    enum Vote {
        Yes,
        No,
        Abstain
    }

    /// @notice A proposal passes when yes votes reach `thresholdBps` of the voting set and the
    /// votes cast (abstentions included) reach `quorumBps` of it, both in basis points.
    struct VotingRule {
        uint16 thresholdBps;
        uint16 quorumBps;
    }

    /// @notice One entity in an admission proposal.
    struct NewEntity {
        string name;
        EntityKind kind;
        uint32 region; // administrative division code (GB/T 2260), e.g. 110000 Beijing
        bytes32 code; // registration code, e.g. the unified social credit code, unique
        bytes32 dossierHash;
        string dossierURI;
        address admin; // the entity's first admin account
        uint8 capabilities; // CAP_* flags
        bool council; // founders only: an Admit proposal cannot seat council members (AddCouncil does)
    }

    /// @notice An entity as stored (one slot). Name, code and dossier are in the events.
    struct Entity {
        EntityKind kind;
        EntityStatus status;
        uint8 capabilities;
        bool council;
        uint32 region;
        uint40 admittedAt;
        uint40 updatedAt;
        uint32 admins;
        uint32 councilFrom; // member of the voting set of proposals with id > councilFrom
        uint32 councilUntil; // ... and id <= councilUntil, when no longer on the council
        uint8 seat; // council seat: the entity's bit in a proposal's ballot bitmap
    }

    /// @notice A listed entity with its id.
    struct EntityView {
        uint32 id;
        Entity entity;
    }

    /// @notice Listing filter; a `match*` flag off means any value.
    struct EntityFilter {
        bool matchKind;
        EntityKind kind;
        bool matchStatus;
        EntityStatus status;
        bool matchRegion;
        uint32 region;
    }

    /// @notice A validator (Clique signer address) of the set `listValidators` returns.
    struct ValidatorView {
        address validator;
        uint32 entityId;
    }

    /// @dev One slot plus the payload hash: the ballot bitmap has one bit per council seat.
    struct Proposal {
        ActionKind kind;
        ProposalStatus status;
        uint8 electorate; // size of the voting set, snapshotted at creation
        uint8 yes;
        uint8 no;
        uint8 abstain;
        uint32 proposer; // entity id
        uint40 createdAt;
        uint40 expiresAt;
        uint64 ballots; // seats that have voted
        bytes32 payloadHash;
    }

    /// @notice A proposal with its id and whether it has passed (threshold and quorum met).
    struct ProposalView {
        uint256 id;
        Proposal proposal;
        bool passed;
    }

    // ---------------------------------------------------------------- events

    /// @notice An entity joined. Its kind, region and capabilities are in storage (`entity`);
    /// the name and dossier only here. `admin` is its first admin account (no AccountAdded).
    /// @param entityId the new entity's id (ids count up from 1 in admission order)
    /// @param code its registration code
    /// @param admin its first admin account
    /// @param name its display name
    /// @param dossierHash hash of its admission dossier
    /// @param dossierURI where the dossier is published
    event EntityAdmitted(
        uint32 indexed entityId,
        bytes32 indexed code,
        address indexed admin,
        string name,
        bytes32 dossierHash,
        string dossierURI
    );

    /// @notice An executed Suspend, Reinstate or Revoke proposal changed an entity's status.
    /// Suspending or reinstating a council member also changes `electorateSize` (no other event).
    /// @param entityId the entity
    /// @param status its new status
    /// @param reason the reason named in the proposal's payload (a hash of the text)
    event EntityStatusChanged(uint32 indexed entityId, EntityStatus status, bytes32 reason);

    /// @notice An admin published a new dossier for its entity.
    /// @param entityId the entity
    /// @param dossierHash hash of the new dossier
    /// @param dossierURI where it is published
    event DossierUpdated(uint32 indexed entityId, bytes32 dossierHash, string dossierURI);

    /// @notice The council set an entity's capability flags.
    /// @param entityId the entity
    /// @param capabilities its new CAP_* flags (replacing the old ones)
    event CapabilitiesChanged(uint32 indexed entityId, uint8 capabilities);

    /// @notice An entity took a council seat (at deployment for founders, else by AddCouncil).
    /// @param entityId the entity
    event CouncilJoined(uint32 indexed entityId);

    /// @notice An entity left the council (RemoveCouncil, or Revoke of a council member).
    /// @param entityId the entity
    event CouncilLeft(uint32 indexed entityId);

    /// @notice An admin added an account to its entity.
    /// @param entityId the entity
    /// @param account the account added
    /// @param role its role (Operator or Admin)
    event AccountAdded(uint32 indexed entityId, address indexed account, AccountRole role);

    /// @notice An admin removed an account from its entity (also the old account of a rotation).
    /// @param entityId the entity
    /// @param account the account removed
    event AccountRemoved(uint32 indexed entityId, address indexed account);

    /// @notice The voting rule of an action kind was set (at deployment, or by SetRule).
    /// @param kind the action kind
    /// @param thresholdBps yes votes needed, in basis points of the electorate
    /// @param quorumBps votes cast needed, in basis points of the electorate
    event RuleChanged(ActionKind indexed kind, uint16 thresholdBps, uint16 quorumBps);

    /// @notice A council member opened a proposal (a `Voted` yes by the proposer follows).
    /// @param proposalId the new proposal's id
    /// @param proposer the proposing entity
    /// @param kind what the proposal does when executed
    /// @param expiresAt when voting and execution end (unix seconds, exclusive)
    /// @param payloadHash keccak256 of the payload that `execute` must supply
    /// @param payloadURI where the payload is published (`proposeByHash`), else empty
    event ProposalCreated(
        uint256 indexed proposalId,
        uint32 indexed proposer,
        ActionKind indexed kind,
        uint40 expiresAt,
        bytes32 payloadHash,
        string payloadURI
    );

    /// @notice An entity of the proposal's voting set voted.
    /// @param proposalId the proposal
    /// @param entityId the voting entity
    /// @param vote its vote
    event Voted(uint256 indexed proposalId, uint32 indexed entityId, Vote vote);

    /// @notice A passed proposal was executed (its action took effect in the same transaction).
    /// @param proposalId the proposal
    event ProposalExecuted(uint256 indexed proposalId);

    /// @notice The proposer cancelled its open proposal.
    /// @param proposalId the proposal
    event ProposalCancelled(uint256 indexed proposalId);

    /// @notice An executed AddValidator proposal named `validator` a Clique signer run by
    /// `entityId`. It is in the validator set while the entity is active.
    /// @param entityId the entity that runs the validator
    /// @param validator the validator's signer address
    event ValidatorAdded(uint32 indexed entityId, address indexed validator);

    /// @notice An executed RemoveValidator proposal took `validator` out of the validator set.
    /// A suspension or revocation of the entity takes its validators out of the set too, with no
    /// event of its own (`EntityStatusChanged` says it).
    /// @param entityId the entity that ran the validator
    /// @param validator the validator's signer address
    event ValidatorRemoved(uint32 indexed entityId, address indexed validator);

    // ---------------------------------------------------------------- errors

    /// @notice `account` belongs to no entity.
    error RegistryNotMember(address account);
    /// @notice `account` of entity `entityId` is not an admin.
    error RegistryNotAdmin(address account, uint32 entityId);
    /// @notice Entity `entityId` holds no council seat.
    error RegistryNotCouncil(uint32 entityId);
    /// @notice No entity was ever admitted with id `entityId`.
    error RegistryUnknownEntity(uint32 entityId);
    /// @notice Entity `entityId` is not active (its current `status` is given).
    error RegistryEntityNotActive(uint32 entityId, EntityStatus status);
    /// @notice Entity `entityId` cannot move from status `from` to `to`.
    error RegistryInvalidTransition(uint32 entityId, EntityStatus from, EntityStatus to);
    /// @notice Registration `code` is already held by entity `existingId`.
    error RegistryDuplicateCode(bytes32 code, uint32 existingId);
    /// @notice `account` already belongs to entity `entityId` (an account serves one entity).
    error RegistryAccountTaken(address account, uint32 entityId);
    /// @notice `account` is not an account of the caller's entity (or is the zero address).
    error RegistryUnknownAccount(address account);
    /// @notice `account` is the last admin of entity `entityId` and cannot be removed.
    error RegistryLastAdmin(uint32 entityId, address account);
    /// @notice Admission record `index` of a batch has an invalid `field`.
    error RegistryInvalidEntity(uint256 index, string field);
    /// @notice `role` is not an AccountRole that can be given to an account (Operator, Admin).
    error RegistryInvalidRole(uint8 role);
    /// @notice `kind` is not an ActionKind.
    error RegistryInvalidActionKind(uint8 kind);
    /// @notice `support` is not a Vote.
    error RegistryInvalidVote(uint8 support);
    /// @notice The rule for `kind` is invalid: the threshold must be in (0, 10000], the quorum
    /// at most 10000 basis points.
    error RegistryInvalidRule(ActionKind kind, uint16 thresholdBps, uint16 quorumBps);
    /// @notice Entity `entityId` is already on the council.
    error RegistryAlreadyCouncil(uint32 entityId);
    /// @notice The action would leave fewer than one active council member (`size` is the
    /// electorate before it; 0 at deployment without founders).
    error RegistryCouncilTooSmall(uint256 size);
    /// @notice All `seats` council seats are taken.
    error RegistryCouncilFull(uint256 seats);
    /// @notice Entity `entityId` may rejoin the council only at `until`, when the last proposal
    /// of its previous term has expired.
    error RegistryCouncilCoolingOff(uint32 entityId, uint40 until);
    /// @notice `capabilities` has bits outside the CAP_* flags.
    error RegistryInvalidCapabilities(uint8 capabilities);
    /// @notice No proposal has id `proposalId`.
    error RegistryUnknownProposal(uint256 proposalId);
    /// @notice Proposal `proposalId` is no longer open (its `status` is given).
    error RegistryProposalNotOpen(uint256 proposalId, ProposalStatus status);
    /// @notice Proposal `proposalId` expired at `expiresAt`.
    error RegistryProposalExpired(uint256 proposalId, uint40 expiresAt);
    /// @notice Proposal `proposalId` has not passed: `yes` votes of an `electorate`.
    error RegistryProposalNotPassed(uint256 proposalId, uint16 yes, uint16 electorate);
    /// @notice Only the proposing entity may cancel; `entityId` is the caller's.
    error RegistryNotProposer(uint256 proposalId, uint32 entityId);
    /// @notice Entity `entityId` is not in the voting set of proposal `proposalId`.
    error RegistryNotInVotingSet(uint256 proposalId, uint32 entityId);
    /// @notice Entity `entityId` has already voted on proposal `proposalId`.
    error RegistryAlreadyVoted(uint256 proposalId, uint32 entityId);
    /// @notice The payload given to `execute` does not hash to the one proposed.
    error RegistryPayloadMismatch(uint256 proposalId, bytes32 expected, bytes32 actual);
    /// @notice The registry holds `maxEntities` entities, the most other contracts can name
    /// (Provenance stores entity ids in 16 bits): no further entity is admitted.
    error RegistryEntityLimit(uint256 maxEntities);
    /// @notice Entity `entityId` already has `admins` admin accounts, the most its count holds.
    error RegistryAdminLimit(uint32 entityId, uint32 admins);
    /// @notice A paged view was asked for `limit` rows: it must be between 1 and `maxPage`.
    error RegistryInvalidPageLimit(uint256 limit, uint256 maxPage);
    /// @notice `validator` is already a validator, of entity `entityId`.
    error RegistryValidatorTaken(address validator, uint32 entityId);
    /// @notice `validator` is not a validator of entity `entityId`.
    error RegistryNotValidator(uint32 entityId, address validator);
    /// @notice `validator` (the zero address) cannot be a validator.
    error RegistryInvalidValidator(address validator);
    /// @notice A Call proposal's call to `target` failed (`reason` is its revert data; empty
    /// when `target` has no code).
    error RegistryCallFailed(address target, bytes reason);

    // ---------------------------------------------------------------- membership (hot path)

    /// @notice What other contracts ask at every use: the account's entity, if it is active.
    /// @param account any address
    /// @return entityId 0 when the account belongs to no entity or its entity is not active
    /// @return role the account's role inside its entity (None when entityId is 0)
    /// @return capabilities the entity's CAP_* flags (0 when entityId is 0)
    function memberOf(address account)
        external
        view
        returns (uint32 entityId, AccountRole role, uint8 capabilities);

    /// @notice Whether `account` belongs to an active entity.
    /// @param account any address
    /// @return true when its entity exists and is active
    function isActiveMember(address account) external view returns (bool);

    /// @notice Whether `account` is an admin of an active entity.
    /// @param account any address
    /// @return entityId that entity, else 0
    function activeAdminOf(address account) external view returns (uint32 entityId);

    /// @notice Whether entity `entityId` is active.
    /// @param entityId any id (unknown ids are not active)
    /// @return true when its status is Active
    function isActiveEntity(uint32 entityId) external view returns (bool);

    /// @notice `memberOf` and `isActiveEntity` in one call, for a check that needs both (an
    /// access by `account` to an asset of entity `other`).
    /// @param account any address
    /// @param other any entity id
    /// @return entityId the account's entity if it is active, else 0
    /// @return otherActive whether entity `other` is active (false whenever entityId is 0)
    /// @dev Reads the account's slot and one word of the active-entity bitmap, which serves both
    /// entities when their ids share it (ids below 256). The registry writes the bitmap with every
    /// status change; no other contract keeps a copy.
    function memberOfAndActive(address account, uint32 other) external view returns (uint32 entityId, bool otherActive);

    /// @notice The entity an account belongs to, whatever the entity's status.
    /// @param account any address
    /// @return entityId its entity, 0 if none
    /// @return role its role there (None if none)
    function entityOf(address account) external view returns (uint32 entityId, AccountRole role);

    // ---------------------------------------------------------------- accounts

    /// @notice An admin of the caller's entity adds an account with a role.
    /// @dev `role` is an AccountRole taken as uint8 (same ABI encoding) so that an
    /// out-of-range value reverts `RegistryInvalidRole` rather than with empty data.
    /// @param account the new account; it must belong to no entity
    /// @param role AccountRole.Operator or AccountRole.Admin
    function addAccount(address account, uint8 role) external;

    /// @notice An admin of the caller's entity removes one of its accounts (never the last admin).
    /// @param account an account of the caller's entity
    function removeAccount(address account) external;

    /// @notice An admin replaces `oldAccount` by `newAccount` with the same role, in one step.
    /// @param oldAccount an account of the caller's entity
    /// @param newAccount an account that belongs to no entity
    function rotateAccount(address oldAccount, address newAccount) external;

    /// @notice An admin publishes a new dossier for its entity.
    /// @param dossierHash hash of the dossier document
    /// @param dossierURI where it is published
    function updateDossier(bytes32 dossierHash, string calldata dossierURI) external;

    // ---------------------------------------------------------------- governance

    /// @notice A council member of an active entity opens a proposal and votes yes on it. The
    /// payload is not stored or logged: it is in this transaction's input, and `execute` must
    /// supply it again. The proposal's electorate is `electorateSize()` now: the council members
    /// whose entity is active; suspended members are not counted (see `electorateSize`).
    /// @dev `kind` is an ActionKind taken as uint8 (same ABI encoding): an out-of-range value
    /// reverts `RegistryInvalidActionKind`. Payloads are decoded only by `execute`: one that does
    /// not decode as its kind's types (e.g. an Admit record with an out-of-range EntityKind)
    /// reverts there with empty data.
    /// @param kind the ActionKind
    /// @param payload its payload (see ActionKind for each kind's encoding)
    /// @return proposalId the new proposal's id (ids start at 1)
    function propose(uint8 kind, bytes calldata payload) external returns (uint256 proposalId);

    /// @notice As `propose`, committing to a payload published off chain at `payloadURI`
    /// (a large admission batch): voters check the document against `payloadHash`.
    /// @param kind the ActionKind (reverts `RegistryInvalidActionKind` when out of range)
    /// @param payloadHash keccak256 of the payload
    /// @param payloadURI where the payload is published
    /// @return proposalId the new proposal's id
    function proposeByHash(uint8 kind, bytes32 payloadHash, string calldata payloadURI)
        external
        returns (uint256 proposalId);

    /// @notice A council member of the proposal's voting set votes once.
    /// @dev The voting set of a proposal is fixed at its creation: the entities whose council
    /// term covers it (joined before it was opened and neither left nor were suspended before).
    /// A member suspended later stays in it, and counts in its electorate, but cannot vote while
    /// suspended; the electorate of open proposals is deliberately not reduced by a suspension:
    /// one council decision must not change the outcome of others already in flight (suspending
    /// the dissenters of a pending proposal would pass it), an open proposal that can no longer
    /// pass is simply proposed again (its new electorate excludes the suspended members), and
    /// it would take a loop over every open proposal. `support` is a Vote taken as uint8:
    /// an out-of-range value reverts `RegistryInvalidVote`.
    /// @param proposalId the proposal
    /// @param support Vote.Yes, Vote.No or Vote.Abstain
    function vote(uint256 proposalId, uint8 support) external;

    /// @notice Anyone executes a passed, unexpired proposal once, supplying its payload.
    /// @param proposalId the proposal
    /// @param payload the bytes whose hash was proposed
    function execute(uint256 proposalId, bytes calldata payload) external;

    /// @notice The proposer's entity cancels its open proposal.
    /// @param proposalId the proposal
    function cancel(uint256 proposalId) external;

    // ---------------------------------------------------------------- views

    /// @notice An entity as stored.
    /// @param entityId the entity (reverts `RegistryUnknownEntity` if never admitted)
    /// @return the stored record
    function entity(uint32 entityId) external view returns (Entity memory);

    /// @notice The entity holding a registration code.
    /// @param code the registration code
    /// @return the entity id, 0 if none
    function entityIdByCode(bytes32 code) external view returns (uint32);

    /// @notice How many entities were ever admitted (also the highest entity id).
    /// @return the count
    function entityCount() external view returns (uint256);

    /// @notice How many entities hold a council seat, suspended members included.
    /// @return the count
    function councilSize() external view returns (uint256);

    /// @notice The electorate a proposal opened now would have: the council members whose
    /// entity is active. It is never 0: the last active member can neither be suspended, nor
    /// revoked, nor removed from the council, so every voting rule stays reachable.
    /// @return the count
    function electorateSize() external view returns (uint256);

    /// @notice The most entities the registry admits (65,535): Provenance stores entity ids in
    /// 16 bits, and an admission past this reverts `RegistryEntityLimit`.
    /// @return the limit
    function MAX_ENTITIES() external view returns (uint256);

    /// @notice The largest `limit` the paged views accept (`RegistryInvalidPageLimit` above it).
    /// @return rows per page at most
    function MAX_PAGE() external view returns (uint256);

    /// @notice Ids a scanning view reads before it returns the rows it has found.
    /// @return ids per page once a row is found
    function SCAN_WINDOW() external view returns (uint256);

    /// @notice Ids a scanning view reads at most in one call, rows or not: its gas is bounded by
    /// this and by `limit`, never by the number of entities or proposals.
    /// @return ids per call at most
    function MAX_SCAN() external view returns (uint256);

    /// @notice Entities matching `filter`, scanning ids from `cursor` (start at 1).
    /// @dev Paging rule of every scanning view of this contract: a call reads ids from `cursor`
    /// until it holds `limit` rows, or reaches the last id, or has read `SCAN_WINDOW` ids and
    /// holds at least one row, or has read `MAX_SCAN` ids. A page is therefore empty with a
    /// non-zero `nextCursor` only when `MAX_SCAN` ids in a row matched nothing: callers continue
    /// while `nextCursor` is not 0, whatever the page holds. Only matching entities are copied to
    /// memory. The filter's enum fields are decoded by the ABI decoder: an out-of-range
    /// EntityKind or EntityStatus reverts with empty data.
    /// @param filter which entities to return
    /// @param cursor the first id to scan (0 or 1 for the start)
    /// @param limit at most this many results, 1 to `MAX_PAGE` (else `RegistryInvalidPageLimit`)
    /// @return page up to `limit` matches
    /// @return nextCursor the id to continue from, 0 when the scan is complete
    function listEntities(EntityFilter calldata filter, uint256 cursor, uint256 limit)
        external
        view
        returns (EntityView[] memory page, uint256 nextCursor);

    /// @notice A proposal with its tally and whether it has passed.
    /// @param proposalId the proposal (reverts `RegistryUnknownProposal` if none)
    /// @return the proposal, its id and `passed`
    function proposal(uint256 proposalId) external view returns (ProposalView memory);

    /// @notice How many proposals were ever opened (also the highest proposal id).
    /// @return the count
    function proposalCount() external view returns (uint256);

    /// @notice Open, unexpired proposals among ids [cursor, ...), newest ids last.
    /// @dev Expired proposals are never read: proposals expire in id order (the voting period is
    /// fixed), so the scan starts at the first unexpired id (a binary search over `expiresAt`)
    /// and an expired proposal leaves the listing when it expires, with no write. Executed and
    /// cancelled proposals younger than one voting period are skipped within the scan. Paging
    /// follows `listEntities`: continue while `nextCursor` is not 0.
    /// @param cursor the first id to scan (0 or 1 for the start; ids of expired proposals are
    /// skipped)
    /// @param limit at most this many results, 1 to `MAX_PAGE` (else `RegistryInvalidPageLimit`)
    /// @return page up to `limit` open proposals
    /// @return nextCursor the id to continue from, 0 when the scan is complete
    function listOpenProposals(uint256 cursor, uint256 limit)
        external
        view
        returns (ProposalView[] memory page, uint256 nextCursor);

    /// @notice Whether an entity of the proposal's voting set has voted on it.
    /// @param proposalId the proposal
    /// @param entityId the entity
    /// @return false also when the entity is not in the voting set
    function hasVoted(uint256 proposalId, uint32 entityId) external view returns (bool);

    /// @notice The voting rule of an action kind.
    /// @param kind the ActionKind as uint8 (reverts `RegistryInvalidActionKind` when out of range)
    /// @return the rule
    function votingRule(uint8 kind) external view returns (VotingRule memory);

    /// @notice The validator set: the validators of active entities, in the order they were
    /// added (a removal moves the last one into the freed place). A suspension or revocation
    /// takes an entity's validators out of it at once and a reinstatement brings them back,
    /// with no write: the view skips validators whose entity is not active.
    /// @dev Paging follows `listEntities` over positions 1..`validatorCount()` (continue while
    /// `nextCursor` is not 0). A removal between two calls may move a validator to an earlier
    /// position: read every page at one block.
    /// @param cursor the first position to scan (0 or 1 for the start)
    /// @param limit at most this many results, 1 to `MAX_PAGE` (else `RegistryInvalidPageLimit`)
    /// @return page up to `limit` validators of active entities
    /// @return nextCursor the position to continue from, 0 when the scan is complete
    function listValidators(uint256 cursor, uint256 limit)
        external
        view
        returns (ValidatorView[] memory page, uint256 nextCursor);

    /// @notice How many validators are registered, those of inactive entities included.
    /// @return the count
    function validatorCount() external view returns (uint256);

    /// @notice Whether the council governs `validator`, and whether it is in the validator set.
    /// A removed validator keeps its entity here: the agents beside the validators vote out of
    /// the Clique signer set only addresses the council governs (see the README), never one it
    /// has not named.
    /// @param validator any address
    /// @return entityId the entity that runs it or ran it until its removal; 0 when the council
    /// never named it
    /// @return inSet whether it is in the validator set (named, not removed, its entity active)
    function validatorOf(address validator) external view returns (uint32 entityId, bool inSet);

    /// @notice How long a proposal stays open, fixed at deployment.
    /// @return seconds
    function votingPeriod() external view returns (uint40);
}
