// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IDataSharing} from "../interfaces/IDataSharing.sol";
import {IEntityRegistry} from "../interfaces/IEntityRegistry.sol";
import {ECDSA} from "./lib/ECDSA.sol";

/// @title DataSharing
/// @notice Data assets, access requests, consent grants (direct, approved or EIP-712 signed) and
/// access receipts between consortium entities. See IDataSharing for the API docs.
/// @dev Membership is never cached: every call asks the EntityRegistry. Per use, the registry
/// costs one call (two cold slots) for the caller; `memberOfAndActive` answers for one other
/// entity in the same two slots (ids below 256), any further check costs a call and a slot.
contract DataSharing is IDataSharing {
    // ---------------------------------------------------------------- storage

    uint8 private constant _MAX_SENSITIVITY = 3;
    uint8 private constant _MAX_PURPOSES = 64;

    /// @inheritdoc IDataSharing
    uint256 public constant SCAN_WINDOW = 1000;
    /// @inheritdoc IDataSharing
    uint256 public constant MAX_SCAN = 3000;
    /// @inheritdoc IDataSharing
    uint256 public constant MAX_PAGE = 1000;

    /// @inheritdoc IDataSharing
    bytes32 public constant GRANT_TYPEHASH = keccak256(
        "Grant(uint256 assetId,uint32 grantee,uint64 purposes,uint40 validFrom,uint40 validUntil,"
        "uint40 holdUntil,address signer,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _NAME_HASH = keccak256("pilotchain DataSharing");
    bytes32 private constant _VERSION_HASH = keccak256("1");

    IEntityRegistry private immutable _registry;

    /// @dev One slot, non-zero from construction on (the purpose list), so counting an asset or
    /// a request never pays for a fresh slot.
    struct Counters {
        uint64 assets;
        uint64 requests;
        uint8 purposes;
    }

    Counters private _counters;
    mapping(uint8 => bytes32) private _purposeLabels;
    mapping(uint256 => Asset) private _assets;
    mapping(uint256 => mapping(uint32 => Grant)) private _grants;
    mapping(uint256 => Request) private _requests;
    /// @dev keccak256(assetId, requester, purpose) => id of the pending request, 0 if none
    mapping(bytes32 => uint256) private _pendingRequestId;
    /// @dev owner entity => ids of the pending requests on its assets (unordered)
    mapping(uint32 => uint64[]) private _pendingByOwner;
    /// @dev signer => nonce >> 8 => bitmap of used nonces
    mapping(address => mapping(uint256 => uint256)) private _usedNonces;

    // ---------------------------------------------------------------- construction

    /// @param registry_ the consortium's EntityRegistry
    /// @param purposeLabels the initial purpose codes, code = index (e.g. research,
    /// public-service, credit-assessment, regulatory-reporting, treatment)
    constructor(IEntityRegistry registry_, bytes32[] memory purposeLabels) {
        _registry = registry_;
        for (uint256 i; i < purposeLabels.length; ++i) {
            _addPurpose(purposeLabels[i]);
        }
    }

    // ---------------------------------------------------------------- purposes (council)

    /// @inheritdoc IDataSharing
    function addPurpose(bytes32 label) external returns (uint8) {
        if (msg.sender != address(_registry)) revert DataSharingNotRegistry(msg.sender);
        return _addPurpose(label);
    }

    // ---------------------------------------------------------------- assets

    /// @inheritdoc IDataSharing
    function registerAsset(bytes32 contentHash, uint32 schema, uint8 sensitivity, string calldata locator)
        external
        returns (uint256 assetId)
    {
        uint32 owner = _activeAdminOf(msg.sender);
        if (owner == 0) revert DataSharingNotAdmin(msg.sender);
        if (sensitivity > _MAX_SENSITIVITY) revert DataSharingInvalidSensitivity(sensitivity);
        assetId = ++_counters.assets;
        _assets[assetId] = Asset({
            owner: owner,
            schema: schema,
            sensitivity: sensitivity,
            retired: false,
            registeredAt: uint40(block.timestamp),
            updatedAt: uint40(block.timestamp),
            contentHash: contentHash
        });
        emit AssetRegistered(assetId, owner, schema, contentHash, sensitivity, locator);
    }

    /// @inheritdoc IDataSharing
    function updateLocator(uint256 assetId, string calldata locator) external {
        Asset storage a = _requireOwnerAdmin(assetId);
        if (a.retired) revert DataSharingAssetRetired(assetId);
        a.updatedAt = uint40(block.timestamp);
        emit AssetLocatorUpdated(assetId, a.owner, locator);
    }

    /// @inheritdoc IDataSharing
    function retireAsset(uint256 assetId) external {
        Asset storage a = _requireOwnerAdmin(assetId);
        if (a.retired) revert DataSharingAssetRetired(assetId);
        a.retired = true;
        a.updatedAt = uint40(block.timestamp);
        emit AssetRetired(assetId, a.owner);
    }

    // ---------------------------------------------------------------- requests

    /// @inheritdoc IDataSharing
    function requestAccess(uint256 assetId, uint8 purpose, uint32 duration, bytes32 justificationHash)
        external
        returns (uint256 requestId)
    {
        uint32 requester = _activeAdminOf(msg.sender);
        if (requester == 0) revert DataSharingNotAdmin(msg.sender);
        Asset storage a = _requireAsset(assetId);
        if (a.retired) revert DataSharingAssetRetired(assetId);
        uint32 owner = a.owner;
        if (requester == owner) revert DataSharingOwnEntity(assetId, requester);
        if (!_isActiveEntity(owner)) revert DataSharingEntityNotActive(owner);
        if (purpose >= _counters.purposes) revert DataSharingUnknownPurpose(purpose);
        if (duration == 0) revert DataSharingInvalidDuration(duration);
        bytes32 key = _requestKey(assetId, requester, purpose);
        uint256 open = _pendingRequestId[key];
        if (open != 0) revert DataSharingRequestOpen(assetId, requester, purpose, open);

        requestId = ++_counters.requests;
        uint64[] storage pending = _pendingByOwner[owner];
        _requests[requestId] = Request({
            assetId: uint64(assetId),
            owner: owner,
            requester: requester,
            purpose: purpose,
            status: RequestStatus.Pending,
            duration: duration,
            createdAt: uint40(block.timestamp),
            pendingIndex: uint32(pending.length),
            justificationHash: justificationHash
        });
        pending.push(uint64(requestId));
        _pendingRequestId[key] = requestId;
        emit RequestOpened(assetId, owner, requester, requestId, purpose, duration, justificationHash);
    }

    /// @inheritdoc IDataSharing
    function approveRequest(uint256 requestId, uint32 term, uint32 holdTerm) external {
        Request storage r = _requirePending(requestId);
        Asset storage a = _requireOwnerAdmin(r.assetId);
        if (a.retired) revert DataSharingAssetRetired(r.assetId);
        uint32 granted = term == 0 ? r.duration : term;
        if (granted > r.duration) revert DataSharingTermTooLong(requestId, term, r.duration);
        uint40 start = uint40(block.timestamp);
        if (holdTerm > granted) revert DataSharingInvalidTerm(start, start + granted, start + holdTerm);

        _close(requestId, r, RequestStatus.Approved);
        emit RequestApproved(r.assetId, r.owner, r.requester, requestId, granted);
        _issue(r.assetId, r.owner, r.requester, uint64(1) << r.purpose, start, start + granted, start + holdTerm);
    }

    /// @inheritdoc IDataSharing
    function rejectRequest(uint256 requestId, uint16 reason) external {
        Request storage r = _requirePending(requestId);
        _requireOwnerAdmin(r.assetId);
        _close(requestId, r, RequestStatus.Rejected);
        emit RequestRejected(r.assetId, r.owner, r.requester, requestId, reason);
    }

    /// @inheritdoc IDataSharing
    function withdrawRequest(uint256 requestId) external {
        Request storage r = _requirePending(requestId);
        if (_activeAdminOf(msg.sender) != r.requester) {
            revert DataSharingNotRequesterAdmin(msg.sender, requestId);
        }
        _close(requestId, r, RequestStatus.Withdrawn);
        emit RequestWithdrawn(r.assetId, r.owner, r.requester, requestId);
    }

    // ---------------------------------------------------------------- grants

    /// @inheritdoc IDataSharing
    function grant(
        uint256 assetId,
        uint32 grantee,
        uint64 purposes,
        uint40 validFrom,
        uint40 validUntil,
        uint40 holdUntil
    ) external {
        Asset storage a = _requireOwnerAdmin(assetId);
        if (a.retired) revert DataSharingAssetRetired(assetId);
        _issue(assetId, a.owner, grantee, purposes, validFrom, validUntil, holdUntil);
    }

    /// @inheritdoc IDataSharing
    function submitSignedGrant(SignedGrant calldata signed, bytes calldata signature) external {
        if (block.timestamp > signed.deadline) revert DataSharingSignatureExpired(signed.deadline, block.timestamp);
        bytes32 digest =
            keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), keccak256(abi.encode(GRANT_TYPEHASH, signed))));
        address recovered = ECDSA.recover(digest, signature);
        if (recovered == address(0) || recovered != signed.signer) {
            revert DataSharingInvalidSignature(signed.signer, recovered);
        }
        _useNonce(recovered, signed.nonce);

        Asset storage a = _requireAsset(signed.assetId);
        (uint32 entityId, IEntityRegistry.AccountRole role) = _registry.entityOf(recovered);
        if (entityId != a.owner || role != IEntityRegistry.AccountRole.Admin) {
            revert DataSharingNotOwnerAdmin(recovered, signed.assetId);
        }
        if (!_isActiveEntity(entityId)) revert DataSharingEntityNotActive(entityId);
        if (a.retired) revert DataSharingAssetRetired(signed.assetId);

        emit SignedGrantSubmitted(signed.assetId, recovered, signed.grantee, signed.nonce);
        _issue(
            signed.assetId, entityId, signed.grantee, signed.purposes, signed.validFrom, signed.validUntil, signed.holdUntil
        );
    }

    /// @inheritdoc IDataSharing
    function cancelNonce(address signer, uint256 nonce) external {
        uint32 entityId = _requireSignerAdmin(signer);
        _useNonce(signer, nonce);
        emit NoncesInvalidated(signer, entityId, nonce >> 8, 1 << (nonce & 0xff), msg.sender);
    }

    /// @inheritdoc IDataSharing
    function invalidateNonces(address signer, uint256 wordPos, uint256 mask) external {
        uint32 entityId = _requireSignerAdmin(signer);
        uint256 word = _usedNonces[signer][wordPos];
        uint256 fresh = mask & ~word;
        if (fresh == 0) revert DataSharingNoncesUsed(signer, wordPos, mask);
        _usedNonces[signer][wordPos] = word | fresh;
        emit NoncesInvalidated(signer, entityId, wordPos, fresh, msg.sender);
    }

    /// @inheritdoc IDataSharing
    function renew(uint256 assetId, uint32 grantee, uint40 validUntil, uint64 addPurposes) external {
        Asset storage a = _requireOwnerAdmin(assetId);
        if (a.retired) revert DataSharingAssetRetired(assetId);
        Grant storage g = _grants[assetId][grantee];
        if (!_isLive(g)) revert DataSharingNoLiveGrant(assetId, grantee);
        if (addPurposes >> _counters.purposes != 0) revert DataSharingInvalidPurposes(addPurposes);
        uint64 purposes = g.purposes | addPurposes;
        if (validUntil < g.validUntil || (validUntil == g.validUntil && purposes == g.purposes)) {
            revert DataSharingRenewalNotExtending(assetId, grantee, validUntil, addPurposes);
        }
        g.validUntil = validUntil;
        g.purposes = purposes;
        emit GrantRenewed(assetId, a.owner, grantee, purposes, validUntil);
    }

    /// @inheritdoc IDataSharing
    function revoke(uint256 assetId, uint32 grantee, uint16 reason) external {
        Grant storage stored = _grants[assetId][grantee];
        Grant memory g = stored;
        if (g.revoked || block.timestamp >= g.validUntil) revert DataSharingNoLiveGrant(assetId, grantee);
        if (_activeAdminOf(msg.sender) != g.owner) _refuseOwnerAccount(g.owner, assetId, true);
        if (block.timestamp < g.holdUntil) revert DataSharingGrantOnHold(assetId, grantee, g.holdUntil);
        stored.revoked = true;
        emit GrantRevoked(assetId, g.owner, grantee, reason);
    }

    // ---------------------------------------------------------------- access

    /// @inheritdoc IDataSharing
    /// @dev One registry call answers for both the account and the asset's owner
    /// (`memberOfAndActive`): the asset is read first to name the owner.
    function canAccess(uint256 assetId, address account, uint8 purpose) external view returns (bool) {
        Asset storage a = _assets[assetId];
        uint32 owner = a.owner;
        if (owner == 0 || a.retired) return false;
        (uint32 entityId, bool ownerActive) = _registry.memberOfAndActive(account, owner);
        if (!ownerActive) return false;
        return (_currentPurposes(_grants[assetId][entityId]) >> purpose) & 1 != 0;
    }

    /// @inheritdoc IDataSharing
    function recordAccess(
        uint256 assetId,
        uint32 grantee,
        uint8 purpose,
        bytes32 deliveryHash,
        bytes32 gatewayRequestId
    ) external {
        (uint32 recorder, uint64 allowed) = _receiptPurposes(assetId, grantee);
        if ((allowed >> purpose) & 1 == 0) revert DataSharingNoValidGrant(assetId, grantee, purpose);
        emit AccessRecorded(assetId, recorder, grantee, purpose, deliveryHash, gatewayRequestId);
    }

    /// @inheritdoc IDataSharing
    function recordAccessBatch(AccessReceipt[] calldata receipts) external {
        if (receipts.length == 0) revert DataSharingEmptyBatch();
        uint32 recorder;
        uint256 assetId;
        uint32 grantee;
        uint64 allowed;
        for (uint256 i; i < receipts.length; ++i) {
            AccessReceipt calldata r = receipts[i];
            if (i == 0 || r.assetId != assetId || r.grantee != grantee) {
                assetId = r.assetId;
                grantee = r.grantee;
                (recorder, allowed) = _receiptPurposes(assetId, grantee);
            }
            if ((allowed >> r.purpose) & 1 == 0) revert DataSharingNoValidGrant(assetId, grantee, r.purpose);
            emit AccessRecorded(assetId, recorder, grantee, r.purpose, r.deliveryHash, r.gatewayRequestId);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDataSharing
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IDataSharing
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparator();
    }

    /// @inheritdoc IDataSharing
    function nonceUsed(address signer, uint256 nonce) external view returns (bool) {
        return _usedNonces[signer][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IDataSharing
    function nonceBitmap(address signer, uint256 wordPos) external view returns (uint256) {
        return _usedNonces[signer][wordPos];
    }

    /// @inheritdoc IDataSharing
    function purposeLabels() external view returns (bytes32[] memory labels) {
        uint8 count = _counters.purposes;
        labels = new bytes32[](count);
        for (uint8 code; code < count; ++code) {
            labels[code] = _purposeLabels[code];
        }
    }

    /// @inheritdoc IDataSharing
    function asset(uint256 assetId) external view returns (Asset memory) {
        return _requireAsset(assetId);
    }

    /// @inheritdoc IDataSharing
    function assetCount() external view returns (uint256) {
        return _counters.assets;
    }

    /// @inheritdoc IDataSharing
    function grantOf(uint256 assetId, uint32 grantee) external view returns (Grant memory) {
        return _grants[assetId][grantee];
    }

    /// @inheritdoc IDataSharing
    function request(uint256 requestId) external view returns (Request memory) {
        Request memory r = _requests[requestId];
        if (r.status == RequestStatus.None) revert DataSharingUnknownRequest(requestId);
        return r;
    }

    /// @inheritdoc IDataSharing
    function requestCount() external view returns (uint256) {
        return _counters.requests;
    }

    /// @inheritdoc IDataSharing
    function listAssets(uint32 owner, uint256 cursor, uint256 limit)
        external
        view
        returns (AssetView[] memory page, uint256 nextCursor)
    {
        uint256 found;
        uint256 last = _counters.assets;
        (uint256 first, uint256 stop) = _window(cursor, last, limit);
        page = _assetPage(limit);
        uint256 id = first;
        for (; id < stop && found < limit; ++id) {
            if (_scanDone(id - first, found)) break;
            Asset storage a = _assets[id];
            if (a.owner == owner) page[found++] = AssetView(id, a);
        }
        assembly ("memory-safe") {
            mstore(page, found)
        }
        nextCursor = id <= last ? id : 0;
    }

    /// @inheritdoc IDataSharing
    function listAssetGrants(uint256 assetId, uint256 cursor, uint256 limit)
        external
        view
        returns (GrantView[] memory page, uint256 nextCursor)
    {
        uint256 found;
        uint256 last = _registry.entityCount();
        (uint256 first, uint256 stop) = _window(cursor, last, limit);
        page = _grantPage(limit);
        mapping(uint32 => Grant) storage grants = _grants[assetId];
        uint256 id = first;
        for (; id < stop && found < limit; ++id) {
            if (_scanDone(id - first, found)) break;
            Grant storage g = grants[uint32(id)];
            if (g.validUntil != 0) page[found++] = GrantView(assetId, uint32(id), g);
        }
        assembly ("memory-safe") {
            mstore(page, found)
        }
        nextCursor = id <= last ? id : 0;
    }

    /// @inheritdoc IDataSharing
    function listHeldGrants(uint32 grantee, uint256 cursor, uint256 limit)
        external
        view
        returns (GrantView[] memory page, uint256 nextCursor)
    {
        uint256 found;
        uint256 last = _counters.assets;
        (uint256 first, uint256 stop) = _window(cursor, last, limit);
        page = _grantPage(limit);
        uint256 id = first;
        for (; id < stop && found < limit; ++id) {
            if (_scanDone(id - first, found)) break;
            Grant storage g = _grants[id][grantee];
            if (g.validUntil != 0) page[found++] = GrantView(id, grantee, g);
        }
        assembly ("memory-safe") {
            mstore(page, found)
        }
        nextCursor = id <= last ? id : 0;
    }

    /// @inheritdoc IDataSharing
    function listPendingRequests(uint32 owner, uint256 cursor, uint256 limit)
        external
        view
        returns (RequestView[] memory page, uint256 nextCursor)
    {
        _requirePageLimit(limit);
        uint64[] storage pending = _pendingByOwner[owner];
        uint256 length = pending.length;
        uint256 end = cursor >= length ? cursor : (limit > length - cursor ? length : cursor + limit);
        page = new RequestView[](end - cursor);
        for (uint256 i; i < page.length; ++i) {
            uint256 id = pending[cursor + i];
            page[i] = RequestView(id, _requests[id]);
        }
        nextCursor = end < length ? end : 0;
    }

    // ---------------------------------------------------------------- internal

    function _addPurpose(bytes32 label) private returns (uint8 code) {
        code = _counters.purposes;
        if (code == _MAX_PURPOSES) revert DataSharingPurposeListFull(code);
        if (label == bytes32(0)) revert DataSharingInvalidPurposeLabel(label);
        for (uint8 i; i < code; ++i) {
            if (_purposeLabels[i] == label) revert DataSharingInvalidPurposeLabel(label);
        }
        _purposeLabels[code] = label;
        _counters.purposes = code + 1;
        emit PurposeAdded(code, label);
    }

    /// @dev Writes the grant of `grantee` on `assetId`; the caller has checked the owner side.
    function _issue(
        uint256 assetId,
        uint32 owner,
        uint32 grantee,
        uint64 purposes,
        uint40 validFrom,
        uint40 validUntil,
        uint40 holdUntil
    ) private {
        if (grantee == owner) revert DataSharingOwnEntity(assetId, grantee);
        if (!_isActiveEntity(grantee)) revert DataSharingEntityNotActive(grantee);
        if (purposes == 0 || purposes >> _counters.purposes != 0) revert DataSharingInvalidPurposes(purposes);
        if (validFrom == 0) validFrom = uint40(block.timestamp);
        if (validUntil <= validFrom || validUntil <= block.timestamp || holdUntil > validUntil) {
            revert DataSharingInvalidTerm(validFrom, validUntil, holdUntil);
        }
        Grant storage g = _grants[assetId][grantee];
        if (_isLive(g)) revert DataSharingGrantExists(assetId, grantee, g.validUntil);
        _grants[assetId][grantee] = Grant(purposes, validFrom, validUntil, holdUntil, owner, false);
        emit GrantIssued(assetId, owner, grantee, purposes, validFrom, validUntil, holdUntil);
    }

    /// @dev The caller's entity (`recorder`) and the purposes a receipt by it may name: those of
    /// the grantee's current grant, provided the asset is the recorder's and active and the
    /// grantee entity is active. One registry call (`memberOfAndActive`) answers for both
    /// entities; `recorder` is 0 while the caller's entity is not active, so that the owner is
    /// active costs no extra read here.
    function _receiptPurposes(uint256 assetId, uint32 grantee) private view returns (uint32 recorder, uint64 allowed) {
        bool granteeActive;
        (recorder, granteeActive) = _registry.memberOfAndActive(msg.sender, grantee);
        Asset storage a = _requireAsset(assetId);
        if (a.owner != recorder) _refuseOwnerAccount(a.owner, assetId, false);
        if (a.retired) revert DataSharingAssetRetired(assetId);
        if (!granteeActive) revert DataSharingEntityNotActive(grantee);
        allowed = _currentPurposes(_grants[assetId][grantee]);
    }

    /// @dev The grant's purposes while it is current, else none.
    function _currentPurposes(Grant storage stored) private view returns (uint64) {
        Grant memory g = stored;
        if (g.revoked || block.timestamp < g.validFrom || block.timestamp >= g.validUntil) return 0;
        return g.purposes;
    }

    /// @dev Issued and not ended: neither revoked nor expired (it may not have started yet).
    function _isLive(Grant storage g) private view returns (bool) {
        return !g.revoked && block.timestamp < g.validUntil;
    }

    function _close(uint256 requestId, Request storage r, RequestStatus status) private {
        r.status = status;
        delete _pendingRequestId[_requestKey(r.assetId, r.requester, r.purpose)];
        uint64[] storage pending = _pendingByOwner[r.owner];
        uint64 moved = pending[pending.length - 1];
        pending[r.pendingIndex] = moved;
        if (moved != requestId) _requests[moved].pendingIndex = r.pendingIndex;
        pending.pop();
    }

    function _useNonce(address signer, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 word = _usedNonces[signer][nonce >> 8];
        if (word & bit != 0) revert DataSharingNonceUsed(signer, nonce);
        _usedNonces[signer][nonce >> 8] = word | bit;
    }

    function _requireAsset(uint256 assetId) private view returns (Asset storage a) {
        a = _assets[assetId];
        if (a.owner == 0) revert DataSharingUnknownAsset(assetId);
    }

    function _requireOwnerAdmin(uint256 assetId) private view returns (Asset storage a) {
        a = _requireAsset(assetId);
        if (_activeAdminOf(msg.sender) != a.owner) _refuseOwnerAccount(a.owner, assetId, true);
    }

    /// @dev Reverts for a caller that is not an active account (`admin`: an active admin) of
    /// `owner`: with `DataSharingEntityNotActive(owner)` when it is one of the owner's, which then
    /// must be suspended or revoked, else with the role error. Only refusals pay for this read.
    function _refuseOwnerAccount(uint32 owner, uint256 assetId, bool admin) private view {
        (uint32 entityId, IEntityRegistry.AccountRole role) = _registry.entityOf(msg.sender);
        if (entityId == owner && (!admin || role == IEntityRegistry.AccountRole.Admin)) {
            revert DataSharingEntityNotActive(owner);
        }
        if (admin) revert DataSharingNotOwnerAdmin(msg.sender, assetId);
        revert DataSharingNotOwnerAccount(msg.sender, assetId);
    }

    /// @dev The entity of `signer`, provided the caller is an active admin of it.
    function _requireSignerAdmin(address signer) private view returns (uint32 entityId) {
        (entityId,) = _registry.entityOf(signer);
        if (entityId == 0 || _activeAdminOf(msg.sender) != entityId) {
            revert DataSharingNotSignerAdmin(msg.sender, signer);
        }
    }

    function _requirePending(uint256 requestId) private view returns (Request storage r) {
        r = _requests[requestId];
        if (r.status == RequestStatus.None) revert DataSharingUnknownRequest(requestId);
        if (r.status != RequestStatus.Pending) revert DataSharingRequestNotPending(requestId, r.status);
    }

    /// @dev `_activeAdminOf` and `_isActiveEntity` give each registry view one call site: inlined
    /// at each use, they would take the bytecode past the 24,576-byte limit.
    function _activeAdminOf(address account) private view returns (uint32) {
        return _registry.activeAdminOf(account);
    }

    function _isActiveEntity(uint32 entityId) private view returns (bool) {
        return _registry.isActiveEntity(entityId);
    }

    function _requestKey(uint256 assetId, uint32 requester, uint8 purpose) private pure returns (bytes32) {
        return keccak256(abi.encode(assetId, requester, purpose));
    }

    /// @dev Ids [first, stop) a scanning view may read: from `cursor` (0 = 1), at most MAX_SCAN
    /// of them, none past `last`; `limit` is checked first.
    function _window(uint256 cursor, uint256 last, uint256 limit) private pure returns (uint256 first, uint256 stop) {
        _requirePageLimit(limit);
        first = cursor == 0 ? 1 : cursor;
        if (first > last) return (first, first);
        stop = last - first < MAX_SCAN ? last + 1 : first + MAX_SCAN;
    }

    function _requirePageLimit(uint256 limit) private pure {
        if (limit == 0 || limit > MAX_PAGE) revert DataSharingInvalidPageLimit(limit, MAX_PAGE);
    }

    /// @dev Whether a scanning view that has read `scanned` ids and found `found` rows returns
    /// now: after SCAN_WINDOW ids once it holds a row (MAX_SCAN ids bound it in `_window`).
    function _scanDone(uint256 scanned, uint256 found) private pure returns (bool) {
        return scanned >= SCAN_WINDOW && found != 0;
    }

    /// @dev A page of `capacity` element pointers, not yet set: the view sets the first `found`
    /// and cuts the length to it, so no default struct is allocated for rows never returned.
    function _assetPage(uint256 capacity) private pure returns (AssetView[] memory page) {
        assembly ("memory-safe") {
            page := mload(0x40)
            mstore(page, capacity)
            mstore(0x40, add(page, shl(5, add(capacity, 1))))
        }
    }

    /// @dev As `_assetPage`, for grants.
    function _grantPage(uint256 capacity) private pure returns (GrantView[] memory page) {
        assembly ("memory-safe") {
            page := mload(0x40)
            mstore(page, capacity)
            mstore(0x40, add(page, shl(5, add(capacity, 1))))
        }
    }

    function _domainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
    }
}
