// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEntityRegistry, CAP_INSPECTOR, CAP_RECALL_AUTHORITY} from "../interfaces/IEntityRegistry.sol";
import {IProvenance, PROVENANCE_EVENT_LIMIT, PROVENANCE_MAX_DERIVATION_HOPS} from "../interfaces/IProvenance.sol";

/// @title Provenance
/// @notice EPCIS-style supply-chain events, custody, transformations, recalls and verification.
/// See IProvenance for the API docs and the hash-chain rule.
/// @dev Storage: `Item` (one slot: head, custodian, owner, pending receiver, count, lifecycle,
/// kind, recall count) per item, `Stock` (one slot) per lot, `_parentOf` for packed children,
/// `_associated` for attached devices, `_prefixOwners` for registered company prefixes,
/// `_acknowledged` per acknowledgement of another item's recall. Every call asks the registry for
/// membership.
contract Provenance is IProvenance {
    // ---------------------------------------------------------------- storage

    /// @dev `Item.recalls`: the item's own recall, made by a recall authority or by its owner, and
    /// the number of other items' recalls acknowledged on it.
    uint8 private constant _RECALLED_BY_AUTHORITY = 0x80;
    uint8 private constant _RECALLED_BY_OWNER = 0x40;
    uint8 private constant _OWN_RECALL = 0xc0;
    uint8 private constant _ACKNOWLEDGEMENTS = 0x3f;

    /// @inheritdoc IProvenance
    uint24 public constant EVENT_LIMIT = PROVENANCE_EVENT_LIMIT;

    IEntityRegistry private immutable _registry;

    mapping(bytes32 => Item) private _items;
    mapping(bytes32 => Stock) private _stocks;
    mapping(bytes32 => bytes32) private _parentOf;
    /// @dev keccak256(itemId, deviceId) => attached
    mapping(bytes32 => bool) private _associated;
    /// @dev company-prefix key => the entity it is registered to (0 when none)
    mapping(bytes6 => uint16) private _prefixOwners;
    /// @dev keccak256(itemId, recalledId) => the item counts that recall in `Item.recalls`
    mapping(bytes32 => bool) private _acknowledged;

    constructor(IEntityRegistry registry_) {
        _registry = registry_;
    }

    // ---------------------------------------------------------------- object events

    /// @inheritdoc IProvenance
    function commission(Quantity calldata quantity, EventData calldata data) external {
        _commission(quantity, _member(), data);
    }

    /// @inheritdoc IProvenance
    function commissionBatch(Quantity[] calldata quantities, EventData[] calldata data) external {
        if (quantities.length != data.length) revert ProvenanceLengthMismatch(quantities.length, data.length);
        uint16 entityId = _member();
        for (uint256 i; i < quantities.length; ++i) {
            _commission(quantities[i], entityId, data[i]);
        }
    }

    /// @inheritdoc IProvenance
    function observe(bytes32 itemId, EventData calldata data) external {
        uint16 entityId = _member();
        _observe(_observedBuffer(entityId, data), itemId, entityId);
    }

    /// @inheritdoc IProvenance
    function observeBatch(EventData calldata context, Observation[] calldata observations) external {
        uint16 entityId = _member();
        uint256 buffer = _observedBuffer(entityId, context);
        for (uint256 i; i < observations.length; ++i) {
            bytes32 itemId;
            // Observation i is three words in calldata: itemId, epcisHash, eventTime (uint40).
            assembly ("memory-safe") {
                let o := add(observations.offset, mul(i, 0x60))
                let eventTime := calldataload(add(o, 0x40))
                if shr(40, eventTime) { revert(0, 0) } // not a uint40: malformed, as the ABI decoder would reject
                itemId := calldataload(o)
                mstore(add(buffer, 0x60), calldataload(add(o, 0x20)))
                mstore(add(buffer, 0xc0), eventTime)
            }
            _observe(buffer, itemId, entityId);
        }
    }

    /// @inheritdoc IProvenance
    function decommission(bytes32 itemId, EventData calldata data) external {
        uint16 entityId = _member();
        Item memory it = _open(itemId, entityId);
        _requireNotInTransit(itemId, it);
        it.lifecycle = Lifecycle.Decommissioned;
        _record(itemId, it, keccak256(abi.encode(Decommissioned.selector, itemId, entityId, data)));
        emit Decommissioned(itemId, entityId, data);
    }

    // ---------------------------------------------------------------- aggregation

    /// @inheritdoc IProvenance
    function pack(bytes32 parentId, bytes32[] calldata childIds, EventData calldata data) external {
        if (childIds.length == 0) revert ProvenanceEmptyList();
        uint16 entityId = _member();
        (Item memory parent,) = _openOrCreate(parentId, entityId);
        _requireNotInTransit(parentId, parent);
        for (uint256 i; i < childIds.length; ++i) {
            bytes32 childId = childIds[i];
            bytes32 current = _parentOf[childId];
            if (current != 0) revert ProvenanceAlreadyPacked(childId, current);
            if (childId == parentId || _isAncestor(childId, parentId)) revert ProvenancePackingCycle(childId, parentId);
            Item memory child = _open(childId, entityId);
            _requireNotInTransit(childId, child);
            child.custodian = 0; // held through the parent from now on
            _parentOf[childId] = parentId;
            _chain(childId, child, keccak256(abi.encode(PackedInto.selector, childId, parentId, entityId, data)));
            emit PackedInto(childId, parentId, entityId, data);
        }
        _recordAggregation(parentId, parent, entityId, true, childIds.length, data);
    }

    /// @inheritdoc IProvenance
    function unpack(bytes32 parentId, bytes32[] calldata childIds, EventData calldata data) external {
        if (childIds.length == 0) revert ProvenanceEmptyList();
        uint16 entityId = _member();
        Item memory parent = _open(parentId, entityId);
        _requireNotInTransit(parentId, parent);
        for (uint256 i; i < childIds.length; ++i) {
            bytes32 childId = childIds[i];
            if (_parentOf[childId] != parentId) revert ProvenanceNotPacked(childId, parentId);
            delete _parentOf[childId];
            Item memory child = _items[childId];
            child.custodian = entityId; // the parent's custodian: `_open` checked the caller is
            _chain(childId, child, keccak256(abi.encode(UnpackedFrom.selector, childId, parentId, entityId, data)));
            emit UnpackedFrom(childId, parentId, entityId, data);
        }
        _recordAggregation(parentId, parent, entityId, false, childIds.length, data);
    }

    // ---------------------------------------------------------------- transformation

    /// @inheritdoc IProvenance
    function transform(Quantity[] calldata inputs, Quantity[] calldata outputs, EventData calldata data)
        external
        returns (bytes32 transformationId)
    {
        if (inputs.length == 0 || outputs.length == 0) revert ProvenanceEmptyList();
        uint16 entityId = _member();
        transformationId = keccak256(abi.encode(entityId, data));
        for (uint256 i; i < inputs.length; ++i) {
            _consume(inputs[i], transformationId, entityId);
        }
        for (uint256 i; i < outputs.length; ++i) {
            _produce(outputs[i], transformationId, entityId);
        }
        emit Transformed(transformationId, entityId, uint32(inputs.length), uint32(outputs.length), data);
    }

    // ---------------------------------------------------------------- transaction and association

    /// @inheritdoc IProvenance
    function recordTransaction(
        bytes32[] calldata itemIds,
        bytes32 bizTransaction,
        uint8 action,
        EventData calldata data
    ) external {
        if (itemIds.length == 0) revert ProvenanceEmptyList();
        if (action > uint8(type(Action).max)) revert ProvenanceInvalidAction(action);
        uint16 entityId = _member();
        for (uint256 i; i < itemIds.length; ++i) {
            bytes32 itemId = itemIds[i];
            Item memory it = _open(itemId, entityId);
            _chain(
                itemId,
                it,
                keccak256(abi.encode(TransactionRecorded.selector, itemId, bizTransaction, entityId, action, data))
            );
            emit TransactionRecorded(itemId, bizTransaction, entityId, Action(action), data);
        }
    }

    /// @inheritdoc IProvenance
    function associate(bytes32 itemId, bytes32 deviceId, EventData calldata data) external {
        uint16 entityId = _member();
        Item memory it = _open(itemId, entityId);
        bytes32 key = _associationKey(itemId, deviceId);
        if (_associated[key]) revert ProvenanceAlreadyAssociated(itemId, deviceId);
        _associated[key] = true;
        _chain(itemId, it, keccak256(abi.encode(DeviceAssociated.selector, itemId, deviceId, entityId, data)));
        emit DeviceAssociated(itemId, deviceId, entityId, data);
    }

    /// @inheritdoc IProvenance
    function dissociate(bytes32 itemId, bytes32 deviceId, EventData calldata data) external {
        uint16 entityId = _member();
        Item memory it = _open(itemId, entityId);
        bytes32 key = _associationKey(itemId, deviceId);
        if (!_associated[key]) revert ProvenanceNotAssociated(itemId, deviceId);
        delete _associated[key];
        _chain(itemId, it, keccak256(abi.encode(DeviceDissociated.selector, itemId, deviceId, entityId, data)));
        emit DeviceDissociated(itemId, deviceId, entityId, data);
    }

    // ---------------------------------------------------------------- corrections

    /// @inheritdoc IProvenance
    function declareError(bytes32 itemId, bytes32 erroneousHash, bytes32 reason, EventData calldata data)
        external
    {
        uint16 entityId = _member();
        Item memory it = _known(itemId);
        if (it.owner != entityId && !_isCustodian(itemId, it, entityId)) {
            revert ProvenanceNotOwnerOrCustodian(itemId, entityId);
        }
        _chain(
            itemId, it, keccak256(abi.encode(ErrorDeclared.selector, itemId, erroneousHash, entityId, reason, data))
        );
        emit ErrorDeclared(itemId, erroneousHash, entityId, reason, data);
    }

    // ---------------------------------------------------------------- custody and ownership

    /// @inheritdoc IProvenance
    function offerCustody(bytes32 itemId, uint32 to) external {
        uint16 entityId = _member();
        Item memory it = _known(itemId);
        _requireNotPacked(itemId, it);
        _requireCustodian(itemId, it, entityId);
        _requireActive(itemId, it);
        _requireNotInTransit(itemId, it);
        it.pendingCustodian = _receiver(itemId, entityId, to);
        _chain(itemId, it, keccak256(abi.encode(CustodyOffered.selector, itemId, entityId, to)));
        emit CustodyOffered(itemId, entityId, to);
    }

    /// @inheritdoc IProvenance
    function acceptCustody(bytes32 itemId) external {
        uint16 entityId = _member();
        Item memory it = _known(itemId);
        _requirePendingReceiver(itemId, it, entityId);
        uint16 from = it.custodian;
        it.custodian = entityId;
        it.pendingCustodian = 0;
        _chain(itemId, it, keccak256(abi.encode(CustodyAccepted.selector, itemId, from, entityId)));
        emit CustodyAccepted(itemId, from, entityId);
    }

    /// @inheritdoc IProvenance
    function rejectCustody(bytes32 itemId) external {
        uint16 entityId = _member();
        Item memory it = _known(itemId);
        _requirePendingReceiver(itemId, it, entityId);
        it.pendingCustodian = 0;
        _chain(itemId, it, keccak256(abi.encode(CustodyRejected.selector, itemId, it.custodian, entityId)));
        emit CustodyRejected(itemId, it.custodian, entityId);
    }

    /// @inheritdoc IProvenance
    function cancelCustody(bytes32 itemId) external {
        uint16 entityId = _member();
        Item memory it = _known(itemId);
        _requireCustodian(itemId, it, entityId);
        uint16 to = it.pendingCustodian;
        if (to == 0) revert ProvenanceNoPendingTransfer(itemId);
        it.pendingCustodian = 0;
        _chain(itemId, it, keccak256(abi.encode(CustodyCancelled.selector, itemId, entityId, to)));
        emit CustodyCancelled(itemId, entityId, to);
    }

    /// @inheritdoc IProvenance
    function transferOwnership(bytes32 itemId, uint32 to, bytes32 bizTransaction) external {
        uint16 entityId = _member();
        Item memory it = _known(itemId);
        _requireNotPacked(itemId, it);
        if (it.owner != entityId) revert ProvenanceNotOwner(itemId, entityId);
        it.owner = _receiver(itemId, entityId, to);
        _chain(itemId, it, keccak256(abi.encode(OwnershipTransferred.selector, itemId, entityId, to, bizTransaction)));
        emit OwnershipTransferred(itemId, entityId, to, bizTransaction);
    }

    // ---------------------------------------------------------------- certification and recall

    /// @inheritdoc IProvenance
    function certify(bytes32 itemId, bytes32 certType, bytes32 certHash, uint40 validUntil) external {
        (uint16 entityId, uint8 capabilities) = _memberWithCapabilities();
        if (capabilities & CAP_INSPECTOR == 0) revert ProvenanceNotInspector(entityId);
        if (validUntil != 0 && validUntil <= block.timestamp) revert ProvenanceCertificateExpired(validUntil);
        Item memory it = _known(itemId);
        _chain(
            itemId, it, keccak256(abi.encode(Certified.selector, itemId, entityId, certType, certHash, validUntil))
        );
        emit Certified(itemId, entityId, certType, certHash, validUntil);
    }

    /// @inheritdoc IProvenance
    function recall(bytes32 itemId, bytes32 reason) external {
        (uint16 entityId, uint8 capabilities) = _memberWithCapabilities();
        Item memory it = _known(itemId);
        if (it.owner != entityId && capabilities & CAP_RECALL_AUTHORITY == 0) {
            revert ProvenanceNotRecallAuthority(itemId, entityId);
        }
        if (it.recalls & _OWN_RECALL != 0) revert ProvenanceRecalled(itemId);
        it.recalls |= capabilities & CAP_RECALL_AUTHORITY != 0 ? _RECALLED_BY_AUTHORITY : _RECALLED_BY_OWNER;
        _record(itemId, it, keccak256(abi.encode(Recalled.selector, itemId, entityId, reason)));
        emit Recalled(itemId, entityId, reason);
    }

    /// @inheritdoc IProvenance
    function acknowledgeRecall(bytes32 itemId, bytes32 recalledId, DerivationStep[] calldata path) external {
        uint16 entityId = _member();
        Item memory it = _known(itemId);
        _requireCustodian(itemId, it, entityId);
        if (_items[recalledId].recalls & _OWN_RECALL == 0) revert ProvenanceNotRecalled(recalledId);
        _requireDerived(itemId, recalledId, path);
        if (itemId != recalledId) {
            // The item's own recall already flags it; another item's recall adds a flag of its own.
            bytes32 key = _acknowledgementKey(itemId, recalledId);
            if (_acknowledged[key]) revert ProvenanceAlreadyAcknowledged(itemId, recalledId);
            if (it.recalls & _ACKNOWLEDGEMENTS == _ACKNOWLEDGEMENTS) revert ProvenanceTooManyRecalls(itemId);
            _acknowledged[key] = true;
            it.recalls += 1;
        }
        _record(itemId, it, keccak256(abi.encode(RecallAcknowledged.selector, itemId, recalledId, entityId)));
        emit RecallAcknowledged(itemId, recalledId, entityId);
    }

    /// @inheritdoc IProvenance
    function withdrawRecall(bytes32 itemId, bytes32 reason) external {
        (uint16 entityId, uint8 capabilities) = _memberWithCapabilities();
        Item memory it = _known(itemId);
        uint8 own = it.recalls & _OWN_RECALL;
        if (own == 0) revert ProvenanceNotRecalled(itemId);
        bool ownersRecall = own == _RECALLED_BY_OWNER && it.owner == entityId;
        if (!ownersRecall && capabilities & CAP_RECALL_AUTHORITY == 0) {
            revert ProvenanceNotRecallAuthority(itemId, entityId);
        }
        it.recalls &= _ACKNOWLEDGEMENTS;
        _record(itemId, it, keccak256(abi.encode(RecallWithdrawn.selector, itemId, entityId, reason)));
        emit RecallWithdrawn(itemId, entityId, reason);
    }

    /// @inheritdoc IProvenance
    function releaseRecall(bytes32 itemId, bytes32 recalledId) external {
        uint16 entityId = _member();
        Item memory it = _known(itemId);
        bytes32 key = _acknowledgementKey(itemId, recalledId);
        if (!_acknowledged[key]) revert ProvenanceNotAcknowledged(itemId, recalledId);
        if (_items[recalledId].recalls & _OWN_RECALL != 0) revert ProvenanceRecallInForce(recalledId);
        delete _acknowledged[key];
        it.recalls -= 1;
        _record(itemId, it, keccak256(abi.encode(RecallReleased.selector, itemId, recalledId, entityId)));
        emit RecallReleased(itemId, recalledId, entityId);
    }

    // ---------------------------------------------------------------- company prefixes (council)

    /// @inheritdoc IProvenance
    function registerPrefix(uint32 entityId, bytes6 prefix) external {
        _requireRegistry();
        if (!_validPrefix(prefix)) revert ProvenanceInvalidPrefix(prefix);
        uint16 owner = _prefixOwners[prefix];
        if (owner != 0) revert ProvenancePrefixTaken(prefix, owner);
        if (!_registry.isActiveEntity(entityId)) revert ProvenanceInactiveEntity(entityId);
        _prefixOwners[prefix] = _narrow(entityId);
        emit PrefixRegistered(entityId, prefix);
    }

    /// @inheritdoc IProvenance
    function removePrefix(bytes6 prefix) external {
        _requireRegistry();
        uint16 owner = _prefixOwners[prefix];
        if (owner == 0) revert ProvenancePrefixNotRegistered(prefix);
        delete _prefixOwners[prefix];
        emit PrefixRemoved(owner, prefix);
    }

    // ---------------------------------------------------------------- batching

    /// @inheritdoc IProvenance
    function multicall(bytes[] calldata calls) external {
        if (calls.length == 0) revert ProvenanceEmptyList();
        for (uint256 i; i < calls.length; ++i) {
            (bool ok, bytes memory reason) = address(this).delegatecall(calls[i]);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(reason, 32), mload(reason))
                }
            }
        }
    }

    /// @notice Any call naming no function of this contract (also inside `multicall`).
    fallback() external {
        revert ProvenanceUnknownSelector(msg.sig);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IProvenance
    function verify(bytes32 itemId) public view returns (Verification memory v) {
        Item memory it = _items[itemId];
        if (it.lifecycle == Lifecycle.None) return v;
        v.known = true;
        v.owner = it.owner;
        v.custodian = it.custodian;
        v.pendingCustodian = it.pendingCustodian;
        v.eventCount = it.eventCount;
        v.head = it.head;
        v.parent = _parentOf[itemId];
        v.custodian = _custodianOf(itemId, it);
        Stock memory stock = _stocks[itemId];
        (v.lot, v.available, v.unit) = (it.kind == Kind.Lot, stock.available, stock.unit);
        if (it.lifecycle == Lifecycle.Consumed) v.status = Status.Consumed;
        else if (it.lifecycle == Lifecycle.Decommissioned) v.status = Status.Decommissioned;
        else if (it.recalls != 0) v.status = Status.Recalled;
        else if (it.pendingCustodian != 0) v.status = Status.InTransit;
        else v.status = Status.Active;
    }

    /// @inheritdoc IProvenance
    function verifyBatch(bytes32[] calldata itemIds) external view returns (Verification[] memory page) {
        page = new Verification[](itemIds.length);
        for (uint256 i; i < itemIds.length; ++i) {
            page[i] = verify(itemIds[i]);
        }
    }

    /// @inheritdoc IProvenance
    function isAssociated(bytes32 itemId, bytes32 deviceId) external view returns (bool) {
        return _associated[_associationKey(itemId, deviceId)];
    }

    /// @inheritdoc IProvenance
    function prefixOwner(bytes6 prefix) external view returns (uint32) {
        return _prefixOwners[prefix];
    }

    /// @inheritdoc IProvenance
    function prefixOf(bytes32 itemId) external pure returns (bytes6) {
        return bytes6(itemId);
    }

    /// @inheritdoc IProvenance
    function registry() external view returns (IEntityRegistry) {
        return _registry;
    }

    // ---------------------------------------------------------------- internal: events

    function _commission(Quantity calldata q, uint16 entityId, EventData calldata data) private {
        if (_items[q.itemId].lifecycle != Lifecycle.None) revert ProvenanceItemExists(q.itemId);
        _validate(q);
        Item memory it = _create(q.itemId, entityId);
        _define(it, q, q.amount);
        _chain(q.itemId, it, keccak256(abi.encode(Commissioned.selector, q.itemId, entityId, q, data)));
        emit Commissioned(q.itemId, entityId, q, data);
    }

    /// @dev An item's first quantity: its kind, and for a lot its unit and `stock`.
    function _define(Item memory it, Quantity calldata q, uint64 stock) private {
        it.kind = q.lot ? Kind.Lot : Kind.Serialised;
        if (q.lot) _stocks[q.itemId] = Stock(stock, q.unit);
    }

    function _observedBuffer(uint16 entityId, EventData calldata data) private pure returns (uint256 buffer) {
        bytes32 topic = Observed.selector;
        // Reading the small fields makes the ABI decoder reject dirty calldata before it is copied.
        (uint40 eventTime, uint16 bizStep, uint16 disposition) = (data.eventTime, data.bizStep, data.disposition);
        assembly ("memory-safe") {
            buffer := mload(0x40)
            mstore(0x40, add(buffer, 0x120))
            mstore(buffer, topic)
            mstore(add(buffer, 0x40), entityId)
            calldatacopy(add(buffer, 0x60), data, 0x60)
            mstore(add(buffer, 0xc0), eventTime)
            mstore(add(buffer, 0xe0), bizStep)
            mstore(add(buffer, 0x100), disposition)
        }
    }

    function _observe(uint256 buffer, bytes32 itemId, uint16 entityId) private {
        bytes32 eventHash;
        assembly ("memory-safe") {
            mstore(add(buffer, 0x20), itemId)
            eventHash := keccak256(buffer, 0x120)
        }
        if (!_chainHeld(itemId, entityId, eventHash)) {
            Item memory it = _open(itemId, entityId);
            _chain(itemId, it, eventHash);
        }
        assembly ("memory-safe") {
            log3(add(buffer, 0x60), 0xc0, mload(buffer), itemId, entityId)
        }
    }

    /// @dev `_open` and `_chain` in one SLOAD and one SSTORE for the common case, an active item
    /// held directly by the caller below the event limit; returns false, having written nothing,
    /// in any other case (`_chain` then names the refusal).
    /// Bit offsets follow the `Item` layout: head 0-159, custodian 160-175, eventCount 208-231,
    /// lifecycle 232-239.
    function _chainHeld(bytes32 itemId, uint16 entityId, bytes32 eventHash) private returns (bool done) {
        Item storage item = _items[itemId];
        uint256 active = uint256(Lifecycle.Active);
        uint256 limit = PROVENANCE_EVENT_LIMIT;
        assembly ("memory-safe") {
            let word := sload(item.slot)
            let count := and(shr(208, word), 0xffffff)
            let held := and(eq(and(shr(160, word), 0xffff), entityId), eq(and(shr(232, word), 0xff), active))
            if and(held, lt(count, limit)) {
                mstore(0, shl(96, word)) // head ‖ eventHash, as abi.encodePacked(bytes20, bytes32)
                mstore(0x14, eventHash)
                let head := shr(96, keccak256(0, 0x34))
                let kept := and(word, not(or(0xffffffffffffffffffffffffffffffffffffffff, shl(208, 0xffffff))))
                sstore(item.slot, or(kept, or(head, shl(208, add(count, 1)))))
                done := 1
            }
        }
    }

    function _recordAggregation(
        bytes32 parentId,
        Item memory parent,
        uint16 entityId,
        bool added,
        uint256 count,
        EventData calldata data
    ) private {
        uint32 children = uint32(count);
        _chain(
            parentId,
            parent,
            keccak256(abi.encode(AggregationRecorded.selector, parentId, entityId, added, children, data))
        );
        emit AggregationRecorded(parentId, entityId, added, children, data);
    }

    function _consume(Quantity calldata q, bytes32 transformationId, uint16 entityId) private {
        _validate(q);
        Item memory it = _open(q.itemId, entityId);
        _requireNotInTransit(q.itemId, it);
        if (it.recalls != 0) revert ProvenanceRecalled(q.itemId);
        uint64 remaining;
        if (it.kind == Kind.Unspecified) {
            // A parent created by packing, first used with a quantity: a lot holds exactly what
            // this transformation uses up.
            _define(it, q, 0);
            it.lifecycle = q.lot && q.amount == 0 ? Lifecycle.Active : Lifecycle.Consumed;
        } else {
            _requireSameKind(q, it);
            if (q.lot) {
                Stock storage stock = _stocks[q.itemId];
                uint64 available = stock.available;
                if (q.unit != stock.unit) revert ProvenanceUnitMismatch(q.itemId, stock.unit, q.unit);
                if (q.amount > available) revert ProvenanceQuantityExceeded(q.itemId, q.amount, available);
                remaining = available - q.amount;
                if (q.amount != 0) {
                    stock.available = remaining;
                    if (remaining == 0) it.lifecycle = Lifecycle.Consumed;
                }
            } else {
                it.lifecycle = Lifecycle.Consumed;
            }
        }
        _chain(
            q.itemId,
            it,
            keccak256(abi.encode(InputConsumed.selector, q.itemId, transformationId, entityId, q.amount, remaining))
        );
        emit InputConsumed(q.itemId, transformationId, entityId, q.amount, remaining);
    }

    function _produce(Quantity calldata q, bytes32 transformationId, uint16 entityId) private {
        _validate(q);
        (Item memory it, bool isNew) = _openOrCreate(q.itemId, entityId);
        if (!isNew) _requireNotInTransit(q.itemId, it);
        if (it.kind == Kind.Unspecified) {
            _define(it, q, q.amount);
        } else {
            _requireSameKind(q, it);
            if (q.lot) {
                Stock storage stock = _stocks[q.itemId];
                if (q.unit != stock.unit) revert ProvenanceUnitMismatch(q.itemId, stock.unit, q.unit);
                stock.available += q.amount;
            }
        }
        _chain(
            q.itemId,
            it,
            keccak256(
                abi.encode(OutputProduced.selector, q.itemId, transformationId, entityId, q.lot, q.amount, q.unit)
            )
        );
        emit OutputProduced(q.itemId, transformationId, entityId, q.lot, q.amount, q.unit);
    }

    /// @dev The entity `to` that an item is handed to: active, another entity, storable.
    function _receiver(bytes32 itemId, uint16 from, uint32 to) private view returns (uint16) {
        if (to == from) revert ProvenanceSelfTransfer(itemId, to);
        if (!_registry.isActiveEntity(to)) revert ProvenanceInactiveEntity(to);
        return _narrow(to);
    }

    function _requirePendingReceiver(bytes32 itemId, Item memory it, uint16 entityId) private pure {
        if (it.pendingCustodian == 0) revert ProvenanceNoPendingTransfer(itemId);
        if (it.pendingCustodian != entityId) revert ProvenanceNotPendingReceiver(itemId, entityId);
    }

    // ---------------------------------------------------------------- internal: items

    /// @dev Extend the item's hash chain by an ordinary event and write its slot back; refused
    /// once the item's count reaches PROVENANCE_EVENT_LIMIT.
    function _chain(bytes32 itemId, Item memory it, bytes32 eventHash) private {
        if (it.eventCount >= PROVENANCE_EVENT_LIMIT) revert ProvenanceEventLimit(itemId, it.eventCount);
        _record(itemId, it, eventHash);
    }

    /// @dev Extend the item's hash chain by `eventHash` and write its slot back. Called directly
    /// only for the events that must stay possible (recall, decommission): their count stops at
    /// its maximum instead of overflowing.
    function _record(bytes32 itemId, Item memory it, bytes32 eventHash) private {
        it.head = bytes20(keccak256(abi.encodePacked(it.head, eventHash)));
        unchecked {
            if (it.eventCount != type(uint24).max) it.eventCount += 1;
        }
        _items[itemId] = it;
    }

    /// @dev A new item owned and held by `entityId`, which may create ids under the item's
    /// company prefix: no one else holds the prefix.
    function _create(bytes32 itemId, uint16 entityId) private view returns (Item memory it) {
        bytes6 prefix = bytes6(itemId);
        if (prefix != 0) {
            uint16 owner = _prefixOwners[prefix];
            if (owner != 0 && owner != entityId) revert ProvenancePrefixNotOwned(itemId, prefix, owner);
        }
        it.custodian = entityId;
        it.owner = entityId;
        it.lifecycle = Lifecycle.Active;
    }

    /// @dev A known item the caller may record an EPCIS event about: active and in its custody.
    function _open(bytes32 itemId, uint16 entityId) private view returns (Item memory it) {
        it = _known(itemId);
        _requireActive(itemId, it);
        _requireCustodian(itemId, it, entityId);
    }

    /// @dev `_open` for an event that may bring the item into being: an unknown id is created.
    function _openOrCreate(bytes32 itemId, uint16 entityId) private view returns (Item memory it, bool isNew) {
        it = _items[itemId];
        if (it.lifecycle == Lifecycle.None) return (_create(itemId, entityId), true);
        _requireActive(itemId, it);
        _requireCustodian(itemId, it, entityId);
    }

    function _known(bytes32 itemId) private view returns (Item memory it) {
        it = _items[itemId];
        if (it.lifecycle == Lifecycle.None) revert ProvenanceUnknownItem(itemId);
    }

    function _requireActive(bytes32 itemId, Item memory it) private pure {
        if (it.lifecycle != Lifecycle.Active) revert ProvenanceItemClosed(itemId, it.lifecycle);
    }

    function _requireNotInTransit(bytes32 itemId, Item memory it) private pure {
        if (it.pendingCustodian != 0) revert ProvenanceInTransit(itemId, it.pendingCustodian);
    }

    function _requireCustodian(bytes32 itemId, Item memory it, uint16 entityId) private view {
        if (!_isCustodian(itemId, it, entityId)) revert ProvenanceNotCustodian(itemId, entityId);
    }

    /// @dev A packed child (custodian 0) moves only with its parent.
    function _requireNotPacked(bytes32 itemId, Item memory it) private view {
        if (it.custodian == 0) revert ProvenancePacked(itemId, _parentOf[itemId]);
    }

    /// @dev The item's custodian; for a packed child (custodian 0) the custodian of its outermost
    /// parent, the only parent whose own custodian is set.
    function _isCustodian(bytes32 itemId, Item memory it, uint16 entityId) private view returns (bool) {
        return _custodianOf(itemId, it) == entityId;
    }

    function _custodianOf(bytes32 itemId, Item memory it) private view returns (uint16 custodian) {
        custodian = it.custodian;
        if (custodian != 0) return custodian; // not packed: no parent to read
        bytes32 p = _parentOf[itemId];
        while (custodian == 0 && p != 0) {
            custodian = _items[p].custodian;
            if (custodian == 0) p = _parentOf[p];
        }
    }

    function _acknowledgementKey(bytes32 itemId, bytes32 recalledId) private pure returns (bytes32) {
        return keccak256(abi.encode(itemId, recalledId));
    }

    // ---------------------------------------------------------------- internal: derivation proofs

    /// @dev Walk `path` from `itemId` back to `recalledId`; revert where a hop does not hold.
    function _requireDerived(bytes32 itemId, bytes32 recalledId, DerivationStep[] calldata path) private view {
        if (path.length > PROVENANCE_MAX_DERIVATION_HOPS) {
            revert ProvenanceDerivationTooLong(path.length, PROVENANCE_MAX_DERIVATION_HOPS);
        }
        bytes32 current = itemId;
        for (uint256 i; i < path.length; ++i) {
            DerivationStep calldata step = path[i];
            bytes32 source = step.source;
            bool holds = step.transformationId == 0
                ? _parentOf[source] == current
                : _inChain(current, OutputProduced.selector, step.transformationId, step.output)
                    && _inChain(source, InputConsumed.selector, step.transformationId, step.input);
            if (!holds) revert ProvenanceInvalidDerivationStep(i, current, source);
            current = source;
        }
        if (current != recalledId) revert ProvenanceNotDerived(itemId, recalledId);
    }

    /// @dev Whether `proof` folds an event `selector(itemId, transformationId, ...fields)` into
    /// the item's current head.
    function _inChain(bytes32 itemId, bytes32 selector, bytes32 transformationId, ChainProof calldata proof)
        private
        view
        returns (bool)
    {
        bytes32 eventHash = keccak256(abi.encodePacked(selector, itemId, transformationId, proof.fields));
        bytes20 head = bytes20(keccak256(abi.encodePacked(proof.prior, eventHash)));
        for (uint256 i; i < proof.later.length; ++i) {
            head = bytes20(keccak256(abi.encodePacked(head, proof.later[i])));
        }
        return head == _items[itemId].head;
    }

    /// @dev Whether `ancestor` is `itemId`'s parent, grandparent, ...
    function _isAncestor(bytes32 ancestor, bytes32 itemId) private view returns (bool) {
        for (bytes32 p = _parentOf[itemId]; p != 0; p = _parentOf[p]) {
            if (p == ancestor) return true;
        }
        return false;
    }

    function _validate(Quantity calldata q) private pure {
        if (!q.lot && (q.amount != 0 || q.unit != 0)) revert ProvenanceInvalidQuantity(q.itemId, q.lot, q.amount);
    }

    function _requireSameKind(Quantity calldata q, Item memory it) private pure {
        if ((it.kind == Kind.Lot) != q.lot) revert ProvenanceInvalidQuantity(q.itemId, q.lot, q.amount);
    }

    function _associationKey(bytes32 itemId, bytes32 deviceId) private pure returns (bytes32) {
        return keccak256(abi.encode(itemId, deviceId));
    }

    /// @dev 6 to 12 decimal digits as BCD nibbles, then only 0xF nibbles.
    function _validPrefix(bytes6 prefix) private pure returns (bool) {
        uint256 key = uint48(prefix);
        if (key == 0) return false;
        uint256 digits;
        for (; digits < 12; ++digits) {
            if ((key >> (44 - 4 * digits)) & 0xf > 9) break;
        }
        if (digits < 6) return false;
        uint256 fill = 12 - digits; // nibbles after the digits, each 0xF
        return key & ((1 << (4 * fill)) - 1) == (1 << (4 * fill)) - 1;
    }

    // ---------------------------------------------------------------- internal: membership

    function _requireRegistry() private view {
        if (msg.sender != address(_registry)) revert ProvenanceNotRegistry(msg.sender);
    }

    function _member() private view returns (uint16) {
        (uint32 entityId,,) = _registry.memberOf(msg.sender);
        if (entityId == 0) revert ProvenanceNotMember(msg.sender);
        return _narrow(entityId);
    }

    function _memberWithCapabilities() private view returns (uint16, uint8 capabilities) {
        (uint32 entityId,, uint8 caps) = _registry.memberOf(msg.sender);
        if (entityId == 0) revert ProvenanceNotMember(msg.sender);
        return (_narrow(entityId), caps);
    }

    function _narrow(uint32 entityId) private pure returns (uint16) {
        if (entityId > type(uint16).max) revert ProvenanceEntityIdOutOfRange(entityId);
        return uint16(entityId);
    }
}
