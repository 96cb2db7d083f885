// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Data-sharing permissions: assets, requests, consent grants, signed grants, access receipts
/// @notice The data stays in each entity's systems; this contract holds who may use which asset,
/// for which purposes, until when, and a receipt of every delivery. Every check asks the
/// EntityRegistry live, so a suspended entity loses every right at once and regains the rights
/// of its still-valid grants when reinstated.
/// @dev Storage is sized for the gas targets of the data-sharing issue:
/// - an asset is one packed slot plus its content hash; its locator lives only in events;
/// - a grant is one packed slot keyed by (asset, grantee), carrying a bitmask of purpose codes;
/// - an access receipt is an event and nothing else: the log is the authentic record both
///   sides read, identified by transaction hash and log index;
/// - no index is written on a gas-targeted path: assets of an entity, grants on an asset and
///   grants held by an entity are paged views that scan ids (asset ids, entity ids) in windows
///   of `SCAN_WINDOW`. Per-entity index arrays would add a fresh 20,000-gas slot to the first
///   registration or grant of every entity. Pending requests (no gas target) do keep an exact
///   per-owner index, so an owner's inbox costs nothing to read however old the contract.
interface IDataSharing {
    // ---------------------------------------------------------------- types

    /// @notice One data asset. `contentHash` commits to the dataset; the locator (the owner's
    /// gateway URI) is published in `AssetRegistered` and `AssetLocatorUpdated`.
    struct Asset {
        uint32 owner; // entity id
        uint32 schema; // category / schema id, chosen by the consortium
        uint8 sensitivity; // 0 public, 1 internal, 2 confidential, 3 restricted
        bool retired;
        uint40 registeredAt;
        uint40 updatedAt;
        bytes32 contentHash;
    }

    /// @notice The consent of an asset's owner to one grantee entity (one slot per pair).
    /// Current while not revoked and `validFrom <= now < validUntil`; the owner cannot revoke it
    /// before `holdUntil` (a legal or contractual minimum term). It carries the asset's owner
    /// (which never changes) so that revoking it needs no read of the asset.
    struct Grant {
        uint64 purposes; // bit p set = purpose code p
        uint40 validFrom;
        uint40 validUntil;
        uint40 holdUntil;
        uint32 owner;
        bool revoked;
    }

    enum RequestStatus {
        None,
        Pending,
        Approved,
        Rejected,
        Withdrawn
    }

    struct Request {
        uint64 assetId;
        uint32 owner;
        uint32 requester;
        uint8 purpose;
        RequestStatus status;
        uint32 duration; // seconds of access asked for
        uint40 createdAt;
        uint32 pendingIndex; // position in the owner's pending list while pending
        bytes32 justificationHash;
    }

    /// @notice A grant signed off chain by an admin of the asset's owner (EIP-712 type `Grant`).
    struct SignedGrant {
        uint256 assetId;
        uint32 grantee;
        uint64 purposes;
        uint40 validFrom; // 0 = from submission
        uint40 validUntil;
        uint40 holdUntil;
        address signer;
        uint256 nonce; // any unused number; each signer's nonces are single-use
        uint256 deadline; // last second at which the signature may be submitted
    }

    /// @notice One delivery made by the owner's gateway.
    struct AccessReceipt {
        uint256 assetId;
        uint32 grantee;
        uint8 purpose;
        bytes32 deliveryHash; // hash of what was delivered
        bytes32 gatewayRequestId; // the gateway's own id of the delivery request
    }

    struct AssetView {
        uint256 assetId;
        Asset asset;
    }

    struct GrantView {
        uint256 assetId;
        uint32 grantee;
        Grant grant;
    }

    struct RequestView {
        uint256 requestId;
        Request request;
    }

    // ---------------------------------------------------------------- events

    event PurposeAdded(uint8 indexed code, bytes32 label);
    event AssetRegistered(
        uint256 indexed assetId,
        uint32 indexed owner,
        uint32 indexed schema,
        bytes32 contentHash,
        uint8 sensitivity,
        string locator
    );
    event AssetLocatorUpdated(uint256 indexed assetId, uint32 indexed owner, string locator);
    event AssetRetired(uint256 indexed assetId, uint32 indexed owner);
    event RequestOpened(
        uint256 indexed assetId,
        uint32 indexed owner,
        uint32 indexed requester,
        uint256 requestId,
        uint8 purpose,
        uint32 duration,
        bytes32 justificationHash
    );
    event RequestApproved(
        uint256 indexed assetId, uint32 indexed owner, uint32 indexed requester, uint256 requestId, uint32 term
    );
    event RequestRejected(
        uint256 indexed assetId, uint32 indexed owner, uint32 indexed requester, uint256 requestId, uint16 reason
    );
    event RequestWithdrawn(uint256 indexed assetId, uint32 indexed owner, uint32 indexed requester, uint256 requestId);
    event GrantIssued(
        uint256 indexed assetId,
        uint32 indexed owner,
        uint32 indexed grantee,
        uint64 purposes,
        uint40 validFrom,
        uint40 validUntil,
        uint40 holdUntil
    );
    event SignedGrantSubmitted(uint256 indexed assetId, address indexed signer, uint32 indexed grantee, uint256 nonce);
    event GrantRenewed(
        uint256 indexed assetId, uint32 indexed owner, uint32 indexed grantee, uint64 purposes, uint40 validUntil
    );
    event GrantRevoked(uint256 indexed assetId, uint32 indexed owner, uint32 indexed grantee, uint16 reason);
    event AccessRecorded(
        uint256 indexed assetId,
        uint32 indexed owner,
        uint32 indexed grantee,
        uint8 purpose,
        bytes32 deliveryHash,
        bytes32 gatewayRequestId
    );

    // ---------------------------------------------------------------- errors

    error DataSharingNotRegistry(address caller);
    error DataSharingNotAdmin(address account);
    error DataSharingNotOwnerAdmin(address account, uint256 assetId);
    error DataSharingNotOwnerAccount(address account, uint256 assetId);
    error DataSharingNotRequesterAdmin(address account, uint256 requestId);
    error DataSharingEntityNotActive(uint32 entityId);
    error DataSharingUnknownAsset(uint256 assetId);
    error DataSharingAssetRetired(uint256 assetId);
    error DataSharingInvalidSensitivity(uint8 sensitivity);
    error DataSharingInvalidPurposeLabel(bytes32 label);
    error DataSharingPurposeListFull(uint8 count);
    error DataSharingUnknownPurpose(uint8 purpose);
    error DataSharingInvalidPurposes(uint64 purposes);
    error DataSharingInvalidDuration(uint32 duration);
    error DataSharingInvalidTerm(uint40 validFrom, uint40 validUntil, uint40 holdUntil);
    error DataSharingOwnEntity(uint256 assetId, uint32 entityId);
    error DataSharingUnknownRequest(uint256 requestId);
    error DataSharingRequestOpen(uint256 assetId, uint32 requester, uint8 purpose, uint256 requestId);
    error DataSharingRequestNotPending(uint256 requestId, RequestStatus status);
    error DataSharingTermTooLong(uint256 requestId, uint32 term, uint32 requested);
    error DataSharingGrantExists(uint256 assetId, uint32 grantee, uint40 validUntil);
    /// @dev no grant was issued, or it expired or was revoked
    error DataSharingNoLiveGrant(uint256 assetId, uint32 grantee);
    error DataSharingGrantOnHold(uint256 assetId, uint32 grantee, uint40 holdUntil);
    error DataSharingRenewalNotExtending(uint256 assetId, uint32 grantee, uint40 validUntil, uint64 purposes);
    error DataSharingNoValidGrant(uint256 assetId, uint32 grantee, uint8 purpose);
    error DataSharingSignatureExpired(uint256 deadline, uint256 timestamp);
    error DataSharingInvalidSignature(address signer, address recovered);
    error DataSharingNonceUsed(address signer, uint256 nonce);

    // ---------------------------------------------------------------- purposes (council)

    /// @notice Adds a purpose code to the registry-wide list. Only the registry calls this, when
    /// the council executes an `ActionKind.Call` proposal with payload
    /// `abi.encode(address(this), abi.encodeCall(IDataSharing.addPurpose, (label)))`.
    /// @param label a short ASCII name, unique and non-empty
    /// @return code the new purpose code (codes are 0, 1, 2, ... in order of addition, at most 64)
    function addPurpose(bytes32 label) external returns (uint8 code);

    // ---------------------------------------------------------------- assets

    /// @notice An admin of an active entity registers an asset owned by its entity.
    /// @param contentHash hash committing to the dataset (never the data, never personal data)
    /// @param schema category / schema id
    /// @param sensitivity 0 public, 1 internal, 2 confidential, 3 restricted
    /// @param locator URI of the owner's data gateway, published in the event only
    /// @return assetId the new asset's id (ids start at 1)
    function registerAsset(bytes32 contentHash, uint32 schema, uint8 sensitivity, string calldata locator)
        external
        returns (uint256 assetId);

    /// @notice An admin of the owner publishes a new locator for an active asset.
    function updateLocator(uint256 assetId, string calldata locator) external;

    /// @notice An admin of the owner retires an asset for good: no access, no new grant or request.
    function retireAsset(uint256 assetId) external;

    // ---------------------------------------------------------------- requests

    /// @notice An admin of an active entity asks the owner for access to an active asset.
    /// At most one request per (asset, requester entity, purpose) is pending at a time.
    /// @param duration seconds of access asked for, counted from approval
    /// @param justificationHash hash of the justification document kept off chain
    /// @return requestId the new request's id (ids start at 1)
    function requestAccess(uint256 assetId, uint8 purpose, uint32 duration, bytes32 justificationHash)
        external
        returns (uint256 requestId);

    /// @notice An admin of the owner approves a pending request, issuing a grant for its purpose
    /// that starts now. Reverts with `DataSharingGrantExists` while the requester holds a current
    /// grant on the asset (extend that one with `renew`).
    /// @param term seconds of access, at most the duration asked for; 0 = the duration asked for
    /// @param holdTerm seconds from now during which the owner cannot revoke; at most the term
    function approveRequest(uint256 requestId, uint32 term, uint32 holdTerm) external;

    /// @notice An admin of the owner rejects a pending request with a reason code.
    function rejectRequest(uint256 requestId, uint16 reason) external;

    /// @notice An admin of the requester withdraws its pending request.
    function withdrawRequest(uint256 requestId) external;

    // ---------------------------------------------------------------- grants

    /// @notice An admin of the owner grants an active entity access to an active asset, without
    /// a request. The grantee may hold one grant per asset; a new one may replace it only once
    /// it is no longer current (expired or revoked).
    /// @param purposes bitmask of purpose codes (bit p = code p), at least one
    /// @param validFrom start of validity; 0 = now
    /// @param validUntil end of validity (exclusive), after the start
    /// @param holdUntil the owner cannot revoke before this time; 0 = no hold; at most `validUntil`
    function grant(
        uint256 assetId,
        uint32 grantee,
        uint64 purposes,
        uint40 validFrom,
        uint40 validUntil,
        uint40 holdUntil
    ) external;

    /// @notice Anyone submits a grant signed off chain (EIP-712) by an admin of the asset's owner.
    /// The signer's membership is checked now, at submission, not at signing.
    /// @param signature 65 bytes r, s, v, with s in the lower half of the curve order
    function submitSignedGrant(SignedGrant calldata signed, bytes calldata signature) external;

    /// @notice An admin of the owner extends a grant that has not ended (neither expired nor
    /// revoked): a later end and/or more purposes. Renewal never takes a right away.
    /// @param validUntil the new end, not earlier than the current one
    /// @param addPurposes purpose codes to add (0 = none)
    function renew(uint256 assetId, uint32 grantee, uint40 validUntil, uint64 addPurposes) external;

    /// @notice An admin of the owner revokes a grant that has not ended, once its hold is over
    /// (also on a retired asset).
    function revoke(uint256 assetId, uint32 grantee, uint16 reason) external;

    // ---------------------------------------------------------------- access

    /// @notice What a data gateway asks before serving data: whether `account` belongs to an
    /// active entity holding a current, unrevoked grant on the active asset for `purpose`.
    function canAccess(uint256 assetId, address account, uint8 purpose) external view returns (bool);

    /// @notice An account (admin or operator, e.g. the gateway) of the asset's owner records one
    /// delivery. Rejected unless the grantee entity is active and its grant covers the purpose now.
    function recordAccess(
        uint256 assetId,
        uint32 grantee,
        uint8 purpose,
        bytes32 deliveryHash,
        bytes32 gatewayRequestId
    ) external;

    /// @notice As `recordAccess`, for many deliveries at once; all of them or none are recorded.
    /// Consecutive receipts of the same (asset, grantee) are checked against the grant once.
    function recordAccessBatch(AccessReceipt[] calldata receipts) external;

    // ---------------------------------------------------------------- views

    function registry() external view returns (address);

    /// @notice The EIP-712 domain separator: name "pilotchain DataSharing", version "1",
    /// this chain's id and this contract's address.
    function domainSeparator() external view returns (bytes32);

    /// @notice Whether `signer` has used `nonce` in a submitted signed grant.
    function nonceUsed(address signer, uint256 nonce) external view returns (bool);

    /// @notice The labels of the purpose codes, indexed by code.
    function purposeLabels() external view returns (bytes32[] memory labels);

    function asset(uint256 assetId) external view returns (Asset memory);

    function assetCount() external view returns (uint256);

    /// @notice The grant of `grantee` on `assetId` (all zero if none was ever issued).
    function grantOf(uint256 assetId, uint32 grantee) external view returns (Grant memory);

    function request(uint256 requestId) external view returns (Request memory);

    function requestCount() external view returns (uint256);

    /// @notice Ids scanned per call by the scanning views.
    function SCAN_WINDOW() external view returns (uint256);

    /// @notice keccak256 of the EIP-712 type `Grant(uint256 assetId,uint32 grantee,uint64 purposes,
    /// uint40 validFrom,uint40 validUntil,uint40 holdUntil,address signer,uint256 nonce,uint256 deadline)`.
    function GRANT_TYPEHASH() external view returns (bytes32);

    /// @notice Assets of `owner`, scanning asset ids from `cursor` (start at 1).
    /// @return page up to `limit` matches found within `SCAN_WINDOW` ids
    /// @return nextCursor the id to continue from, 0 when the scan is complete
    function listAssets(uint32 owner, uint256 cursor, uint256 limit)
        external
        view
        returns (AssetView[] memory page, uint256 nextCursor);

    /// @notice Grants ever issued on `assetId` (current or not), scanning grantee entity ids
    /// from `cursor` (start at 1) up to the registry's entity count.
    function listAssetGrants(uint256 assetId, uint256 cursor, uint256 limit)
        external
        view
        returns (GrantView[] memory page, uint256 nextCursor);

    /// @notice Grants ever issued to `grantee` (current or not), scanning asset ids from `cursor`.
    function listHeldGrants(uint32 grantee, uint256 cursor, uint256 limit)
        external
        view
        returns (GrantView[] memory page, uint256 nextCursor);

    /// @notice Pending requests on the assets of `owner`, from position `cursor` (start at 0) of
    /// its pending list (order changes as requests close).
    /// @return page up to `limit` pending requests
    /// @return nextCursor the position to continue from, 0 when the list is exhausted
    function listPendingRequests(uint32 owner, uint256 cursor, uint256 limit)
        external
        view
        returns (RequestView[] memory page, uint256 nextCursor);
}
