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
/// per entity, one per account, and the registration-code index.
interface IEntityRegistry {
    // ---------------------------------------------------------------- types

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

    /// @dev `None` marks an id that was never admitted.
    enum EntityStatus {
        None,
        Active,
        Suspended,
        Revoked
    }

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
        Call // payload: abi.encode(address target, bytes data): the council acting on another contract
    }

    enum ProposalStatus {
        None,
        Open,
        Executed,
        Cancelled
    }

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
        uint16 admins;
        uint32 councilFrom; // member of the voting set of proposals with id > councilFrom
        uint32 councilUntil; // ... and id <= councilUntil, when no longer on the council
        uint8 seat; // council seat: the entity's bit in a proposal's ballot bitmap
    }

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

    struct ProposalView {
        uint256 id;
        Proposal proposal;
        bool passed;
    }

    // ---------------------------------------------------------------- events

    /// @notice An entity joined. Its kind, region and capabilities are in storage (`entity`);
    /// the name and dossier only here. `admin` is its first admin account (no AccountAdded).
    event EntityAdmitted(
        uint32 indexed entityId,
        bytes32 indexed code,
        address indexed admin,
        string name,
        bytes32 dossierHash,
        string dossierURI
    );
    event EntityStatusChanged(uint32 indexed entityId, EntityStatus status, bytes32 reason);
    event DossierUpdated(uint32 indexed entityId, bytes32 dossierHash, string dossierURI);
    event CapabilitiesChanged(uint32 indexed entityId, uint8 capabilities);
    event CouncilJoined(uint32 indexed entityId);
    event CouncilLeft(uint32 indexed entityId);
    event AccountAdded(uint32 indexed entityId, address indexed account, AccountRole role);
    event AccountRemoved(uint32 indexed entityId, address indexed account);
    event RuleChanged(ActionKind indexed kind, uint16 thresholdBps, uint16 quorumBps);
    event ProposalCreated(
        uint256 indexed proposalId,
        uint32 indexed proposer,
        ActionKind indexed kind,
        uint40 expiresAt,
        bytes32 payloadHash,
        string payloadURI
    );
    event Voted(uint256 indexed proposalId, uint32 indexed entityId, Vote vote);
    event ProposalExecuted(uint256 indexed proposalId);
    event ProposalCancelled(uint256 indexed proposalId);

    // ---------------------------------------------------------------- errors

    error RegistryNotMember(address account);
    error RegistryNotAdmin(address account, uint32 entityId);
    error RegistryNotCouncil(uint32 entityId);
    error RegistryUnknownEntity(uint32 entityId);
    error RegistryEntityNotActive(uint32 entityId, EntityStatus status);
    error RegistryInvalidTransition(uint32 entityId, EntityStatus from, EntityStatus to);
    error RegistryDuplicateCode(bytes32 code, uint32 existingId);
    error RegistryAccountTaken(address account, uint32 entityId);
    error RegistryUnknownAccount(address account);
    error RegistryLastAdmin(uint32 entityId, address account);
    error RegistryInvalidEntity(uint256 index, string field);
    error RegistryInvalidRole(AccountRole role);
    error RegistryInvalidRule(ActionKind kind, uint16 thresholdBps, uint16 quorumBps);
    error RegistryAlreadyCouncil(uint32 entityId);
    error RegistryCouncilTooSmall(uint256 size);
    error RegistryCouncilFull(uint256 seats);
    error RegistryCouncilCoolingOff(uint32 entityId, uint40 until);
    error RegistryInvalidCapabilities(uint8 capabilities);
    error RegistryUnknownProposal(uint256 proposalId);
    error RegistryProposalNotOpen(uint256 proposalId, ProposalStatus status);
    error RegistryProposalExpired(uint256 proposalId, uint40 expiresAt);
    error RegistryProposalNotPassed(uint256 proposalId, uint16 yes, uint16 electorate);
    error RegistryNotProposer(uint256 proposalId, uint32 entityId);
    error RegistryNotInVotingSet(uint256 proposalId, uint32 entityId);
    error RegistryAlreadyVoted(uint256 proposalId, uint32 entityId);
    error RegistryPayloadMismatch(uint256 proposalId, bytes32 expected, bytes32 actual);
    error RegistryCallFailed(address target, bytes reason);

    // ---------------------------------------------------------------- membership (hot path)

    /// @notice What other contracts ask at every use: the account's entity, if it is active.
    /// @return entityId 0 when the account belongs to no entity or its entity is not active
    /// @return role the account's role inside its entity
    /// @return capabilities the entity's CAP_* flags
    function memberOf(address account)
        external
        view
        returns (uint32 entityId, AccountRole role, uint8 capabilities);

    /// @notice Whether `account` belongs to an active entity.
    function isActiveMember(address account) external view returns (bool);

    /// @notice Whether `account` is an admin of an active entity (returns that entity, else 0).
    function activeAdminOf(address account) external view returns (uint32 entityId);

    /// @notice Whether entity `entityId` is active.
    function isActiveEntity(uint32 entityId) external view returns (bool);

    /// @notice The entity an account belongs to (0 if none), whatever the entity's status.
    function entityOf(address account) external view returns (uint32 entityId, AccountRole role);

    // ---------------------------------------------------------------- accounts

    /// @notice An admin of the caller's entity adds an account with a role.
    function addAccount(address account, AccountRole role) external;

    /// @notice An admin of the caller's entity removes one of its accounts (never the last admin).
    function removeAccount(address account) external;

    /// @notice An admin replaces `oldAccount` by `newAccount` with the same role, in one step.
    function rotateAccount(address oldAccount, address newAccount) external;

    /// @notice An admin publishes a new dossier for its entity.
    function updateDossier(bytes32 dossierHash, string calldata dossierURI) external;

    // ---------------------------------------------------------------- governance

    /// @notice A council member opens a proposal and votes yes on it. The payload is not
    /// stored or logged: it is in this transaction's input, and `execute` must supply it again.
    /// @return proposalId the new proposal's id (ids start at 1)
    function propose(ActionKind kind, bytes calldata payload) external returns (uint256 proposalId);

    /// @notice As `propose`, committing to a payload published off chain at `payloadURI`
    /// (a large admission batch): voters check the document against `payloadHash`.
    function proposeByHash(ActionKind kind, bytes32 payloadHash, string calldata payloadURI)
        external
        returns (uint256 proposalId);

    /// @notice A council member of the proposal's voting set votes once.
    function vote(uint256 proposalId, Vote support) external;

    /// @notice Anyone executes a passed, unexpired proposal once, supplying its payload.
    function execute(uint256 proposalId, bytes calldata payload) external;

    /// @notice The proposer's entity cancels its open proposal.
    function cancel(uint256 proposalId) external;

    // ---------------------------------------------------------------- views

    function entity(uint32 entityId) external view returns (Entity memory);

    function entityIdByCode(bytes32 code) external view returns (uint32);

    function entityCount() external view returns (uint256);

    function councilSize() external view returns (uint256);

    /// @notice Entities matching `filter`, scanning ids from `cursor` (start at 1).
    /// @return page up to `limit` matches
    /// @return nextCursor the id to continue from, 0 when the scan is complete
    function listEntities(EntityFilter calldata filter, uint256 cursor, uint256 limit)
        external
        view
        returns (EntityView[] memory page, uint256 nextCursor);

    function proposal(uint256 proposalId) external view returns (ProposalView memory);

    function proposalCount() external view returns (uint256);

    /// @notice Open, unexpired proposals among ids [cursor, ...), newest ids last.
    function listOpenProposals(uint256 cursor, uint256 limit)
        external
        view
        returns (ProposalView[] memory page, uint256 nextCursor);

    function hasVoted(uint256 proposalId, uint32 entityId) external view returns (bool);

    function votingRule(ActionKind kind) external view returns (VotingRule memory);

    function votingPeriod() external view returns (uint40);
}
