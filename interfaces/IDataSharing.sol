// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Data-sharing permissions: assets, requests, consent grants, signed grants, access receipts
/// @notice The data stays in each entity's systems; this contract holds who may use which asset,
/// for which purposes, until when, and a receipt of every delivery. Every check asks the
/// EntityRegistry live, so a suspended entity loses every right at once and regains the rights
/// of its still-valid grants when reinstated. This holds on both sides of a grant: while the
/// asset's owner is suspended (or revoked) its grants give no access (`canAccess` is false,
/// receipts revert with `DataSharingEntityNotActive(owner)`) and its admins cannot act on its
/// assets, grants, requests or signed nonces; the grants that are still valid work again once
/// it is reinstated.
/// Bad arguments revert with a named error carrying them: sensitivity above 3
/// (`DataSharingInvalidSensitivity`), a purpose code the contract does not know
/// (`DataSharingUnknownPurpose`, `DataSharingInvalidPurposes`; in a receipt, which reads no
/// purpose list, `DataSharingNoValidGrant`), an empty batch (`DataSharingEmptyBatch`). No
/// function takes a Solidity enum argument, so none can end in the decoder's enum panic
/// (`Panic(0x21)`); what still reverts with empty data is calldata the ABI decoder itself
/// refuses (a value wider than its declared uintN, a truncated array), before any check runs.
/// @dev Storage is sized for the gas targets of the data-sharing issue:
/// - an asset is one packed slot plus its content hash; its locator lives only in events;
/// - a grant is one packed slot keyed by (asset, grantee), carrying a bitmask of purpose codes;
/// - an access receipt is an event and nothing else: the log is the authentic record both
///   sides read, identified by transaction hash and log index;
/// - no index is written on a gas-targeted path: assets of an entity, grants on an asset and
///   grants held by an entity are paged views that scan ids (asset ids, entity ids), at most
///   `MAX_SCAN` per call (see `listAssets`). Per-entity index arrays would add a fresh
///   20,000-gas slot to the first registration or grant of every entity. Pending requests (no gas target) do keep an exact
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

    /// @notice Life of an access request: `None` marks an id never used.
    enum RequestStatus {
        None,
        Pending,
        Approved,
        Rejected,
        Withdrawn
    }

    /// @notice A request for access by an admin of the requester entity, for one purpose.
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
        uint256 nonce; // any unused number; each signer's nonces are single-use and cancellable
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

    /// @notice An asset with its id, as the paged views return it.
    struct AssetView {
        uint256 assetId;
        Asset asset;
    }

    /// @notice A grant with its (asset, grantee) key, as the paged views return it.
    struct GrantView {
        uint256 assetId;
        uint32 grantee;
        Grant grant;
    }

    /// @notice A request with its id, as the paged views return it.
    struct RequestView {
        uint256 requestId;
        Request request;
    }

    // ---------------------------------------------------------------- events

    /// @notice The council added purpose code `code`.
    event PurposeAdded(uint8 indexed code, bytes32 label);

    /// @notice Entity `owner` registered asset `assetId`; `locator` (its gateway URI) lives only here.
    event AssetRegistered(
        uint256 indexed assetId,
        uint32 indexed owner,
        uint32 indexed schema,
        bytes32 contentHash,
        uint8 sensitivity,
        string locator
    );

    /// @notice The owner published a new gateway locator for the asset.
    event AssetLocatorUpdated(uint256 indexed assetId, uint32 indexed owner, string locator);

    /// @notice The owner retired the asset for good.
    event AssetRetired(uint256 indexed assetId, uint32 indexed owner);

    /// @notice Entity `requester` asked for `duration` seconds of access for `purpose`.
    event RequestOpened(
        uint256 indexed assetId,
        uint32 indexed owner,
        uint32 indexed requester,
        uint256 requestId,
        uint8 purpose,
        uint32 duration,
        bytes32 justificationHash
    );

    /// @notice The owner approved the request for `term` seconds (a `GrantIssued` follows).
    event RequestApproved(
        uint256 indexed assetId, uint32 indexed owner, uint32 indexed requester, uint256 requestId, uint32 term
    );

    /// @notice The owner rejected the request with reason code `reason`.
    event RequestRejected(
        uint256 indexed assetId, uint32 indexed owner, uint32 indexed requester, uint256 requestId, uint16 reason
    );

    /// @notice The requester withdrew its pending request.
    event RequestWithdrawn(uint256 indexed assetId, uint32 indexed owner, uint32 indexed requester, uint256 requestId);

    /// @notice A grant was written (directly, by approval or from a signature), replacing any
    /// ended grant of the same (asset, grantee).
    event GrantIssued(
        uint256 indexed assetId,
        uint32 indexed owner,
        uint32 indexed grantee,
        uint64 purposes,
        uint40 validFrom,
        uint40 validUntil,
        uint40 holdUntil
    );

    /// @notice A grant signed by `signer` with `nonce` was submitted (a `GrantIssued` follows).
    event SignedGrantSubmitted(uint256 indexed assetId, address indexed signer, uint32 indexed grantee, uint256 nonce);

    /// @notice The owner extended a grant: its purposes and end are now these.
    event GrantRenewed(
        uint256 indexed assetId, uint32 indexed owner, uint32 indexed grantee, uint64 purposes, uint40 validUntil
    );

    /// @notice The owner revoked a grant with reason code `reason`.
    event GrantRevoked(uint256 indexed assetId, uint32 indexed owner, uint32 indexed grantee, uint16 reason);

    /// @notice The owner's gateway delivered data to `grantee` for `purpose`: the receipt itself.
    /// `owner` is the recording entity, which is always the asset's owner.
    event AccessRecorded(
        uint256 indexed assetId,
        uint32 indexed owner,
        uint32 indexed grantee,
        uint8 purpose,
        bytes32 deliveryHash,
        bytes32 gatewayRequestId
    );

    /// @notice Admin `by` of entity `entityId` cancelled the signed-grant nonces of `signer` set in
    /// `mask` within word `wordPos` (nonces `wordPos * 256 + bit`); a single cancelled nonce n
    /// shows as `wordPos = n >> 8`, `mask = 1 << (n & 0xff)`. `mask` holds only the nonces this
    /// call cancelled, not those already used or cancelled before.
    event NoncesInvalidated(
        address indexed signer, uint32 indexed entityId, uint256 indexed wordPos, uint256 mask, address by
    );

    // ---------------------------------------------------------------- errors

    /// @notice Only the EntityRegistry (the council's `Call` action) may call this.
    error DataSharingNotRegistry(address caller);
    /// @notice `account` is not an admin of an active entity.
    error DataSharingNotAdmin(address account);
    /// @notice `account` is not an admin of the asset's owner (or the signer of a signed grant is not).
    error DataSharingNotOwnerAdmin(address account, uint256 assetId);
    /// @notice `account` (recording a receipt) is not an account of the asset's owner.
    error DataSharingNotOwnerAccount(address account, uint256 assetId);
    /// @notice `account` is not an admin of the entity that opened the request.
    error DataSharingNotRequesterAdmin(address account, uint256 requestId);
    /// @notice `account` is not an active admin of the entity `signer` belongs to (or `signer`
    /// belongs to no entity), so it cannot cancel `signer`'s nonces.
    error DataSharingNotSignerAdmin(address account, address signer);
    /// @notice Entity `entityId` (a grantee, a signer's entity, or the asset's owner) is not active.
    error DataSharingEntityNotActive(uint32 entityId);
    /// @notice No asset has id `assetId`.
    error DataSharingUnknownAsset(uint256 assetId);
    /// @notice The asset is retired.
    error DataSharingAssetRetired(uint256 assetId);
    /// @notice `sensitivity` is above 3 (restricted).
    error DataSharingInvalidSensitivity(uint8 sensitivity);
    /// @notice A purpose label is empty or already in the list.
    error DataSharingInvalidPurposeLabel(bytes32 label);
    /// @notice The list already holds the maximum of 64 purpose codes.
    error DataSharingPurposeListFull(uint8 count);
    /// @notice `purpose` is not a code of the purpose list.
    error DataSharingUnknownPurpose(uint8 purpose);
    /// @notice A purpose mask is empty (where one is required) or names a code not in the list.
    error DataSharingInvalidPurposes(uint64 purposes);
    /// @notice A request asks for zero seconds of access.
    error DataSharingInvalidDuration(uint32 duration);
    /// @notice The term is empty, already over, or its hold outlasts it.
    error DataSharingInvalidTerm(uint40 validFrom, uint40 validUntil, uint40 holdUntil);
    /// @notice Entity `entityId` owns the asset: it cannot request or be granted access to it.
    error DataSharingOwnEntity(uint256 assetId, uint32 entityId);
    /// @notice No request has id `requestId`.
    error DataSharingUnknownRequest(uint256 requestId);
    /// @notice The requester already has request `requestId` pending for this asset and purpose.
    error DataSharingRequestOpen(uint256 assetId, uint32 requester, uint8 purpose, uint256 requestId);
    /// @notice The request was already approved, rejected or withdrawn.
    error DataSharingRequestNotPending(uint256 requestId, RequestStatus status);
    /// @notice An approval's `term` exceeds the `requested` duration.
    error DataSharingTermTooLong(uint256 requestId, uint32 term, uint32 requested);
    /// @notice The grantee already holds a grant that has not ended (extend it with `renew`).
    error DataSharingGrantExists(uint256 assetId, uint32 grantee, uint40 validUntil);
    /// @notice No grant was issued, or it expired or was revoked.
    error DataSharingNoLiveGrant(uint256 assetId, uint32 grantee);
    /// @notice The grant cannot be revoked before `holdUntil`.
    error DataSharingGrantOnHold(uint256 assetId, uint32 grantee, uint40 holdUntil);
    /// @notice A renewal would neither end later nor add a purpose.
    error DataSharingRenewalNotExtending(uint256 assetId, uint32 grantee, uint40 validUntil, uint64 purposes);
    /// @notice The grantee holds no current grant covering `purpose` (an unknown purpose code
    /// included), so the delivery cannot be recorded.
    error DataSharingNoValidGrant(uint256 assetId, uint32 grantee, uint8 purpose);
    /// @notice The signed grant's `deadline` has passed.
    error DataSharingSignatureExpired(uint256 deadline, uint256 timestamp);
    /// @notice The signature does not recover to `signer` (`recovered` is 0 for a malformed one).
    error DataSharingInvalidSignature(address signer, address recovered);
    /// @notice `signer`'s `nonce` was already used by a submitted grant, or cancelled.
    error DataSharingNonceUsed(address signer, uint256 nonce);
    /// @notice None of the nonces of `mask` in word `wordPos` is still usable (or `mask` is 0).
    error DataSharingNoncesUsed(address signer, uint256 wordPos, uint256 mask);
    /// @notice `recordAccessBatch` was called with no receipt.
    error DataSharingEmptyBatch();
    /// @notice A paged view was asked for `limit` rows: it must be between 1 and `maxPage`.
    error DataSharingInvalidPageLimit(uint256 limit, uint256 maxPage);

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
    /// (`DataSharingInvalidSensitivity` above)
    /// @param locator URI of the owner's data gateway, published in the event only
    /// @return assetId the new asset's id (ids start at 1)
    function registerAsset(bytes32 contentHash, uint32 schema, uint8 sensitivity, string calldata locator)
        external
        returns (uint256 assetId);

    /// @notice An admin of the owner publishes a new locator for an active asset.
    /// @param assetId the asset
    /// @param locator the new URI of the owner's data gateway, published in the event only
    function updateLocator(uint256 assetId, string calldata locator) external;

    /// @notice An admin of the owner retires an asset for good: no access, no new grant or request.
    /// @param assetId the asset
    function retireAsset(uint256 assetId) external;

    // ---------------------------------------------------------------- requests

    /// @notice An admin of an active entity asks the owner for access to an active asset whose
    /// owner is active. At most one request per (asset, requester entity, purpose) is pending at a time.
    /// @param assetId the asset
    /// @param purpose a known purpose code (`DataSharingUnknownPurpose` otherwise)
    /// @param duration seconds of access asked for, counted from approval
    /// @param justificationHash hash of the justification document kept off chain
    /// @return requestId the new request's id (ids start at 1)
    function requestAccess(uint256 assetId, uint8 purpose, uint32 duration, bytes32 justificationHash)
        external
        returns (uint256 requestId);

    /// @notice An admin of the owner approves a pending request, issuing a grant for its purpose
    /// that starts now. Reverts with `DataSharingGrantExists` while the requester holds a current
    /// grant on the asset (extend that one with `renew`).
    /// @param requestId the pending request
    /// @param term seconds of access, at most the duration asked for; 0 = the duration asked for
    /// @param holdTerm seconds from now during which the owner cannot revoke; at most the term
    function approveRequest(uint256 requestId, uint32 term, uint32 holdTerm) external;

    /// @notice An admin of the owner rejects a pending request with a reason code.
    /// @param requestId the pending request
    /// @param reason a reason code agreed by the consortium, carried in the event
    function rejectRequest(uint256 requestId, uint16 reason) external;

    /// @notice An admin of the requester withdraws its pending request.
    /// @param requestId the pending request
    function withdrawRequest(uint256 requestId) external;

    // ---------------------------------------------------------------- grants

    /// @notice An admin of the owner grants an active entity access to an active asset, without
    /// a request. The grantee may hold one grant per asset; a new one may replace it only once
    /// it is no longer current (expired or revoked).
    /// @param assetId the asset
    /// @param grantee the entity given access (active, not the owner)
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
    /// The signer's membership is checked now, at submission, not at signing. A nonce already
    /// used or cancelled (`cancelNonce`, `invalidateNonces`) is refused with `DataSharingNonceUsed`.
    /// @param signed the grant's fields as signed
    /// @param signature 65 bytes r, s, v, with s in the lower half of the curve order
    function submitSignedGrant(SignedGrant calldata signed, bytes calldata signature) external;

    /// @notice An admin of `signer`'s entity (the signer itself or any other admin of the same
    /// active entity: the entity, not the key, is the party to a grant, just as any of its admins
    /// may revoke a grant another one issued or remove that admin's account) cancels one
    /// signed-grant nonce of `signer`, so that a grant signed with it can no longer be submitted.
    /// Emits `NoncesInvalidated` with the nonce's word and bit.
    /// @dev `signer` must belong to the caller's entity now (any role); a signer removed from it
    /// cannot have a grant submitted anyway until an entity adds it back as an admin.
    /// @param signer the account that signed (or may have signed) the grant
    /// @param nonce the nonce to cancel; `DataSharingNonceUsed` if already used or cancelled
    function cancelNonce(address signer, uint256 nonce) external;

    /// @notice As `cancelNonce`, for every nonce `wordPos * 256 + b` whose bit b is set in `mask`
    /// (as Uniswap Permit2's `invalidateUnorderedNonces`): one transaction withdraws up to 256
    /// outstanding signatures. Nonces of `mask` already used or cancelled are skipped;
    /// `DataSharingNoncesUsed` if none is left to cancel.
    /// @param signer the account whose nonces are cancelled
    /// @param wordPos the word of the nonce bitmap (nonce >> 8)
    /// @param mask the bits (nonce & 0xff) to cancel in that word
    function invalidateNonces(address signer, uint256 wordPos, uint256 mask) external;

    /// @notice An admin of the owner extends a grant that has not ended (neither expired nor
    /// revoked): a later end and/or more purposes. Renewal never takes a right away.
    /// @param assetId the asset
    /// @param grantee the grant's holder
    /// @param validUntil the new end, not earlier than the current one
    /// @param addPurposes purpose codes to add (0 = none)
    function renew(uint256 assetId, uint32 grantee, uint40 validUntil, uint64 addPurposes) external;

    /// @notice An admin of the owner revokes a grant that has not ended, once its hold is over
    /// (also on a retired asset).
    /// @param assetId the asset
    /// @param grantee the grant's holder
    /// @param reason a reason code agreed by the consortium, carried in the event
    function revoke(uint256 assetId, uint32 grantee, uint16 reason) external;

    // ---------------------------------------------------------------- access

    /// @notice What a data gateway asks before serving data: whether `account` belongs to an
    /// active entity holding a current, unrevoked grant on the active asset for `purpose`, while
    /// the asset's owner is active. False (never a revert) for an unknown asset or account, an
    /// unknown purpose code, and while the owner is suspended or revoked.
    /// @param assetId the asset
    /// @param account the account asking for data
    /// @param purpose the purpose code of the use
    /// @return allowed whether the gateway may serve the data
    function canAccess(uint256 assetId, address account, uint8 purpose) external view returns (bool allowed);

    /// @notice An account (admin or operator, e.g. the gateway) of the asset's owner records one
    /// delivery. Rejected unless the owner and the grantee entity are active and the grant
    /// covers the purpose now. While the owner is suspended or revoked its accounts get
    /// `DataSharingEntityNotActive(owner)`; other accounts get `DataSharingNotOwnerAccount`.
    /// @param assetId the asset delivered from
    /// @param grantee the entity delivered to
    /// @param purpose the purpose code of the delivery (`DataSharingNoValidGrant` if the grant lacks it)
    /// @param deliveryHash hash of what was delivered
    /// @param gatewayRequestId the gateway's own id of the delivery request
    function recordAccess(
        uint256 assetId,
        uint32 grantee,
        uint8 purpose,
        bytes32 deliveryHash,
        bytes32 gatewayRequestId
    ) external;

    /// @notice As `recordAccess`, for many deliveries at once; all of them or none are recorded.
    /// Consecutive receipts of the same (asset, grantee) are checked against the grant once.
    /// @param receipts at least one receipt (`DataSharingEmptyBatch` otherwise)
    function recordAccessBatch(AccessReceipt[] calldata receipts) external;

    // ---------------------------------------------------------------- views

    /// @notice The EntityRegistry asked about every account and entity.
    function registry() external view returns (address);

    /// @notice The EIP-712 domain separator: name "pilotchain DataSharing", version "1",
    /// this chain's id and this contract's address.
    function domainSeparator() external view returns (bytes32);

    /// @notice Whether `signer`'s `nonce` is spent: used by a submitted signed grant, or cancelled.
    function nonceUsed(address signer, uint256 nonce) external view returns (bool);

    /// @notice Word `wordPos` of `signer`'s nonce bitmap: bit b set = nonce `wordPos * 256 + b`
    /// is used or cancelled.
    function nonceBitmap(address signer, uint256 wordPos) external view returns (uint256);

    /// @notice The labels of the purpose codes, indexed by code.
    function purposeLabels() external view returns (bytes32[] memory labels);

    /// @notice Asset `assetId`; reverts with `DataSharingUnknownAsset` if there is none.
    function asset(uint256 assetId) external view returns (Asset memory);

    /// @notice The number of assets ever registered (the highest asset id).
    function assetCount() external view returns (uint256);

    /// @notice The grant of `grantee` on `assetId` (all zero if none was ever issued).
    function grantOf(uint256 assetId, uint32 grantee) external view returns (Grant memory);

    /// @notice Request `requestId`; reverts with `DataSharingUnknownRequest` if there is none.
    function request(uint256 requestId) external view returns (Request memory);

    /// @notice The number of requests ever opened (the highest request id).
    function requestCount() external view returns (uint256);

    /// @notice Ids a scanning view reads before it returns the rows it has found.
    function SCAN_WINDOW() external view returns (uint256);

    /// @notice Ids a scanning view reads at most in one call, rows or not: its gas is bounded by
    /// this and by `limit`, never by the number of assets or entities.
    function MAX_SCAN() external view returns (uint256);

    /// @notice The largest `limit` the paged views accept (`DataSharingInvalidPageLimit` above it,
    /// and for 0).
    function MAX_PAGE() external view returns (uint256);

    /// @notice keccak256 of the EIP-712 type `Grant(uint256 assetId,uint32 grantee,uint64 purposes,
    /// uint40 validFrom,uint40 validUntil,uint40 holdUntil,address signer,uint256 nonce,uint256 deadline)`.
    function GRANT_TYPEHASH() external view returns (bytes32);

    /// @notice Assets of `owner`, scanning asset ids from `cursor` (start at 1).
    /// @dev Paging rule of the scanning views (`listAssets`, `listAssetGrants`, `listHeldGrants`):
    /// a call reads ids from `cursor` until it holds `limit` rows, or reaches the last id, or has
    /// read `SCAN_WINDOW` ids and holds at least one row, or has read `MAX_SCAN` ids. A page is
    /// therefore empty with a non-zero `nextCursor` only when `MAX_SCAN` ids in a row matched
    /// nothing: callers continue while `nextCursor` is not 0, whatever the page holds.
    /// @param limit at most this many rows, 1 to `MAX_PAGE` (else `DataSharingInvalidPageLimit`)
    /// @return page up to `limit` matches
    /// @return nextCursor the id to continue from, 0 when the scan is complete
    function listAssets(uint32 owner, uint256 cursor, uint256 limit)
        external
        view
        returns (AssetView[] memory page, uint256 nextCursor);

    /// @notice Grants ever issued on `assetId` (current or not), scanning grantee entity ids
    /// from `cursor` (start at 1) up to the registry's entity count; paged as `listAssets`.
    /// @param limit at most this many rows, 1 to `MAX_PAGE` (else `DataSharingInvalidPageLimit`)
    /// @return page up to `limit` grants
    /// @return nextCursor the entity id to continue from, 0 when the scan is complete
    function listAssetGrants(uint256 assetId, uint256 cursor, uint256 limit)
        external
        view
        returns (GrantView[] memory page, uint256 nextCursor);

    /// @notice Grants ever issued to `grantee` (current or not), scanning asset ids from `cursor`;
    /// paged as `listAssets`.
    /// @param limit at most this many rows, 1 to `MAX_PAGE` (else `DataSharingInvalidPageLimit`)
    /// @return page up to `limit` grants
    /// @return nextCursor the asset id to continue from, 0 when the scan is complete
    function listHeldGrants(uint32 grantee, uint256 cursor, uint256 limit)
        external
        view
        returns (GrantView[] memory page, uint256 nextCursor);

    /// @notice Pending requests on the assets of `owner`, from position `cursor` (start at 0) of
    /// its pending list (order changes as requests close). A page is empty only when the list is.
    /// @param limit at most this many rows, 1 to `MAX_PAGE` (else `DataSharingInvalidPageLimit`)
    /// @return page up to `limit` pending requests
    /// @return nextCursor the position to continue from, 0 when the list is exhausted
    function listPendingRequests(uint32 owner, uint256 cursor, uint256 limit)
        external
        view
        returns (RequestView[] memory page, uint256 nextCursor);
}
