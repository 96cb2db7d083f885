// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEntityRegistry} from "./IEntityRegistry.sol";

/// @title Supply-chain provenance on GS1 EPCIS 2.0
/// @notice Items (serialised objects, e.g. an SGTIN) and lots (a class with a quantity, e.g. an
/// LGTIN) are identified by a bytes32 id that commits to the EPC's GS1 company prefix (see
/// "Item ids and company prefixes" below). Members of
/// the EntityRegistry record EPCIS events about them: object events (commission, observe,
/// decommission), aggregation (pack children into a parent, unpack), transformation (inputs
/// consumed into outputs), transaction and association events, and corrections. Custody moves
/// two-phase (offer, then accept or reject); ownership is a separate history. Inspectors certify,
/// the owner or a recall authority recalls, custodians acknowledge recalls.
///
/// Only an event that brings an item into being registers an unknown id: commissioning, the
/// outputs of a transformation, and the parent of a packing. The member recording it becomes the
/// item's owner and custodian; only its custodian records further EPCIS events about it. Any other
/// event naming an unknown id reverts `ProvenanceUnknownItem`, so no member can take hold of an id
/// its rightful creator has not used yet. While an item is packed into a parent, the parent's
/// custodian (at any nesting level) also counts as its custodian.
///
/// Item ids and company prefixes: `itemId = bytes6(prefix) ‖ bytes26(keccak256(EPC URI))`, the
/// last 26 bytes of the URI's keccak under a 6-byte key of its GS1 company prefix
/// (`pilotchain.epcis_codes.item_id`). The key is the prefix's 6 to 12 digits as packed BCD,
/// filled up with 0xF nibbles ("6901234" is 0x6901234fffff); it is 0 for identifiers whose scheme
/// carries no company prefix (GID, non-EPC URIs, patterns with a wildcard prefix). The contract
/// reads the prefix from the id itself (`prefixOf`), so the id cannot be separated from it: a
/// member that claims another prefix names another id, not the item. The council registers each
/// company prefix to the entity GS1 assigned it to (`registerPrefix`, through the registry); an id
/// under a registered prefix is created only by that entity (`ProvenancePrefixNotOwned`), an id
/// under an unregistered prefix or with none goes to the first member that creates it.
///
/// @dev Tamper evidence: every event whose first argument is `bytes32 indexed itemId` extends that
/// item's hash chain, `head' = bytes20(keccak256(abi.encodePacked(head, eventHash)))` with
/// `eventHash = keccak256(abi.encode(EventSelector, ...all event arguments in order))`, starting
/// from `head = 0`. Event details live in logs and in the chain, never in storage: the contract
/// keeps one slot per item (`Item`) and a second one per lot (`Stock`).
/// Derivations are edges in the logs: `InputConsumed`/`OutputProduced` share a transformation id,
/// `PackedInto` links child to parent; the library traverses them. A transformation's event data
/// is logged once (`Transformed`); its id, a hash of that data, joins each input's and output's chain.
interface IProvenance {
    // ---------------------------------------------------------------- types

    /// @notice Lifecycle as stored. `InTransit` and `Recalled` are reported by `verify`.
    enum Lifecycle {
        None,
        Active,
        Consumed, // a transformation used it up
        Decommissioned
    }

    /// @notice What a QR-code scan reports, most significant first: closed, recalled, in transit.
    enum Status {
        Unknown,
        Active,
        InTransit,
        Recalled,
        Consumed,
        Decommissioned
    }

    /// @notice Serialised item or lot: set by the first event that carries a quantity
    /// (commissioning, transformation), `Unspecified` for a parent created by packing.
    enum Kind {
        Unspecified,
        Serialised,
        Lot
    }

    /// @notice EPCIS action of a transaction event.
    enum Action {
        Add,
        Observe,
        Delete
    }

    /// @notice The what-when-where-why of one EPCIS event.
    /// @dev Codes: `bizStep` and `disposition` are positions in the CBV 2.0 vocabularies counted
    /// from 1 (`pilotchain.epcis_codes`; 0 = absent; a custom URI is 0x8000 | 15 bits of its
    /// keccak, the URI itself is in the full event). `readPoint` and `bizLocation` are keccak256 of the
    /// location URI (0 = absent). `epcisHash` is keccak256 of the canonical EPCIS event JSON.
    struct EventData {
        bytes32 epcisHash;
        bytes32 readPoint;
        bytes32 bizLocation;
        uint40 eventTime; // unix seconds
        uint16 bizStep;
        uint16 disposition;
    }

    /// @notice One observation of a batch that shares the rest of its event data.
    struct Observation {
        bytes32 itemId;
        bytes32 epcisHash;
        uint40 eventTime;
    }

    /// @notice An item or lot with a quantity, as a transformation input or output or a new lot.
    /// @dev `amount` is in thousandths of `unit` (a UN/ECE Rec 20 code such as "KGM"). A serialised
    /// item has `lot = false`, `amount = 0` and no unit. A lot input with `amount = 0` consumes an
    /// unspecified quantity and leaves the lot's stock as it is.
    struct Quantity {
        bytes32 itemId;
        bool lot;
        uint64 amount;
        bytes3 unit;
    }

    /// @notice Per-item storage: one slot, read and written by every event about the item.
    /// @dev Entity ids are stored in 16 bits (the registry numbers entities from 1; the pilot has
    /// 164), so a custody offer or an ownership transfer fits in this slot.
    struct Item {
        bytes20 head; // hash-chain head over the item's events
        uint16 custodian;
        uint16 owner;
        uint16 pendingCustodian; // receiver of an open custody offer, 0 when none
        uint24 eventCount;
        Lifecycle lifecycle;
        Kind kind;
        bool recalled;
    }

    /// @notice Per-lot second slot: the stock left.
    struct Stock {
        uint64 available; // thousandths of `unit`
        bytes3 unit;
    }

    /// @notice What `verify` returns: everything a QR-code scan shows.
    struct Verification {
        bool known;
        Status status;
        uint32 owner;
        uint32 custodian; // the effective custodian: the outermost parent's, when packed
        uint32 pendingCustodian;
        uint32 eventCount;
        bytes20 head;
        bytes32 parent; // the parent it is packed into, 0 when none
        bool lot;
        uint64 available;
        bytes3 unit;
    }

    // ---------------------------------------------------------------- events (chained: itemId first)

    event Commissioned(bytes32 indexed itemId, uint32 indexed entityId, Quantity quantity, EventData data);
    event Observed(bytes32 indexed itemId, uint32 indexed entityId, EventData data);
    event Decommissioned(bytes32 indexed itemId, uint32 indexed entityId, EventData data);
    /// @notice A child packed into `parentId` (an EPCIS AggregationEvent ADD); the child's chain.
    event PackedInto(bytes32 indexed itemId, bytes32 indexed parentId, uint32 entityId, EventData data);
    /// @notice A child taken out of `parentId` (AggregationEvent DELETE); the child's chain.
    event UnpackedFrom(bytes32 indexed itemId, bytes32 indexed parentId, uint32 entityId, EventData data);
    /// @notice The parent's side of an aggregation: `children` packed (`added`) or unpacked.
    event AggregationRecorded(
        bytes32 indexed itemId, uint32 indexed entityId, bool added, uint32 children, EventData data
    );
    /// @notice An input of transformation `transformationId`: `amount` consumed, `remaining`
    /// left (0 for a serialised item). The event data is in `Transformed`; the transformation id
    /// commits to it.
    event InputConsumed(
        bytes32 indexed itemId, bytes32 indexed transformationId, uint32 entityId, uint64 amount, uint64 remaining
    );
    /// @notice An output of transformation `transformationId` (a lot gains `amount` of `unit`).
    event OutputProduced(
        bytes32 indexed itemId,
        bytes32 indexed transformationId,
        uint32 entityId,
        bool lot,
        uint64 amount,
        bytes3 unit
    );
    event TransactionRecorded(
        bytes32 indexed itemId, bytes32 indexed bizTransaction, uint32 entityId, Action action, EventData data
    );
    event DeviceAssociated(bytes32 indexed itemId, bytes32 indexed deviceId, uint32 entityId, EventData data);
    event DeviceDissociated(bytes32 indexed itemId, bytes32 indexed deviceId, uint32 entityId, EventData data);
    /// @notice An error declaration: the event with EPCIS hash `erroneousHash` was wrong;
    /// `data` describes the declaration (its own `epcisHash` is the declaration's).
    event ErrorDeclared(
        bytes32 indexed itemId, bytes32 indexed erroneousHash, uint32 entityId, bytes32 reason, EventData data
    );
    event CustodyOffered(bytes32 indexed itemId, uint32 indexed from, uint32 indexed to);
    event CustodyAccepted(bytes32 indexed itemId, uint32 indexed from, uint32 indexed to);
    event CustodyRejected(bytes32 indexed itemId, uint32 indexed from, uint32 indexed to);
    event CustodyCancelled(bytes32 indexed itemId, uint32 indexed from, uint32 indexed to);
    event OwnershipTransferred(
        bytes32 indexed itemId, uint32 indexed from, uint32 indexed to, bytes32 bizTransaction
    );
    event Certified(
        bytes32 indexed itemId, uint32 indexed inspector, bytes32 indexed certType, bytes32 certHash, uint40 validUntil
    );
    event Recalled(bytes32 indexed itemId, uint32 indexed entityId, bytes32 reason);
    /// @notice The custodian of `itemId` acknowledged the recall of `recalledId` (itself or a
    /// lot it was made from); the item is flagged recalled from then on.
    event RecallAcknowledged(bytes32 indexed itemId, bytes32 indexed recalledId, uint32 entityId);

    // ---------------------------------------------------------------- events (not chained)

    /// @notice The council registered GS1 company prefix `prefix` (BCD key, see above) to `entityId`.
    event PrefixRegistered(uint32 indexed entityId, bytes6 indexed prefix);
    /// @notice The council removed the registration of `prefix` from `entityId`; ids under it go
    /// to their first creator again.
    event PrefixRemoved(uint32 indexed entityId, bytes6 indexed prefix);

    /// @notice A transformation, once: `transformationId = keccak256(abi.encode(entityId, data))`.
    event Transformed(
        bytes32 indexed transformationId, uint32 indexed entityId, uint32 inputs, uint32 outputs, EventData data
    );

    // ---------------------------------------------------------------- errors

    error ProvenanceNotMember(address account);
    error ProvenanceUnknownItem(bytes32 itemId);
    error ProvenanceItemExists(bytes32 itemId);
    error ProvenanceNotCustodian(bytes32 itemId, uint32 entityId);
    error ProvenanceNotOwner(bytes32 itemId, uint32 entityId);
    error ProvenanceNotOwnerOrCustodian(bytes32 itemId, uint32 entityId);
    error ProvenanceNotInspector(uint32 entityId);
    error ProvenanceNotRecallAuthority(bytes32 itemId, uint32 entityId);
    error ProvenanceItemClosed(bytes32 itemId, Lifecycle lifecycle);
    error ProvenanceInTransit(bytes32 itemId, uint32 pendingCustodian);
    error ProvenanceNoPendingTransfer(bytes32 itemId);
    error ProvenanceNotPendingReceiver(bytes32 itemId, uint32 entityId);
    error ProvenanceInactiveEntity(uint32 entityId);
    error ProvenanceEntityIdOutOfRange(uint32 entityId);
    error ProvenanceSelfTransfer(bytes32 itemId, uint32 entityId);
    error ProvenanceInvalidQuantity(bytes32 itemId, bool lot, uint64 amount);
    error ProvenanceUnitMismatch(bytes32 itemId, bytes3 expected, bytes3 actual);
    error ProvenanceQuantityExceeded(bytes32 itemId, uint64 requested, uint64 available);
    error ProvenanceRecalled(bytes32 itemId);
    error ProvenanceNotRecalled(bytes32 itemId);
    error ProvenanceAlreadyPacked(bytes32 childId, bytes32 parentId);
    error ProvenanceNotPacked(bytes32 childId, bytes32 parentId);
    error ProvenancePackingCycle(bytes32 childId, bytes32 parentId);
    error ProvenanceAlreadyAssociated(bytes32 itemId, bytes32 deviceId);
    error ProvenanceNotAssociated(bytes32 itemId, bytes32 deviceId);
    error ProvenanceCertificateExpired(uint40 validUntil);
    error ProvenanceEmptyList();
    /// @notice `itemId` lies under company prefix `prefix`, registered to entity `owner`, and
    /// another entity tried to create it.
    error ProvenancePrefixNotOwned(bytes32 itemId, bytes6 prefix, uint32 owner);
    /// @notice Only the registry (a council `ActionKind.Call`) registers and removes prefixes.
    error ProvenanceNotRegistry(address caller);
    /// @notice `prefix` is not 6 to 12 BCD digits filled up with 0xF nibbles.
    error ProvenanceInvalidPrefix(bytes6 prefix);
    /// @notice `prefix` is already registered (to `owner`).
    error ProvenancePrefixTaken(bytes6 prefix, uint32 owner);
    /// @notice `prefix` is not registered to anyone.
    error ProvenancePrefixNotRegistered(bytes6 prefix);
    error ProvenanceLengthMismatch(uint256 expected, uint256 actual);

    // ---------------------------------------------------------------- object events

    /// @notice Commission (EPCIS ObjectEvent ADD) a new serialised item or lot; the caller's
    /// entity becomes owner and custodian. Reverts `ProvenanceItemExists` for a known id and
    /// `ProvenancePrefixNotOwned` for an id under a company prefix registered to another entity.
    /// @param quantity the item (`lot = false`, no amount) or lot (`lot = true`, its stock)
    function commission(Quantity calldata quantity, EventData calldata data) external;

    /// @notice Commission several items or lots, each with its own event data.
    function commissionBatch(Quantity[] calldata quantities, EventData[] calldata data) external;

    /// @notice Record an observation (EPCIS ObjectEvent OBSERVE: shipping, receiving, inspecting,
    /// storing, ...) by the item's custodian; an unknown item reverts `ProvenanceUnknownItem`.
    function observe(bytes32 itemId, EventData calldata data) external;

    /// @notice Record observations that share a read point, business location, business step and
    /// disposition (a scan session, or the events of an EPCIS document grouped by that context);
    /// each is logged and chained exactly as `observe(itemId, context with its epcisHash and
    /// eventTime)` would be.
    function observeBatch(EventData calldata context, Observation[] calldata observations) external;

    /// @notice Decommission (EPCIS ObjectEvent DELETE): no further events are accepted.
    function decommission(bytes32 itemId, EventData calldata data) external;

    // ---------------------------------------------------------------- aggregation

    /// @notice Pack `childIds` into `parentId` (EPCIS AggregationEvent ADD). The caller is the
    /// custodian of the parent and of every child. An unknown parent is created (under the
    /// company-prefix rule of `commission`); every child must be known.
    function pack(bytes32 parentId, bytes32[] calldata childIds, EventData calldata data) external;

    /// @notice Unpack `childIds` from `parentId` (AggregationEvent DELETE) by the parent's
    /// custodian, who becomes each child's custodian.
    function unpack(bytes32 parentId, bytes32[] calldata childIds, EventData calldata data) external;

    // ---------------------------------------------------------------- transformation

    /// @notice Consume `inputs` into `outputs` (EPCIS TransformationEvent). The caller is the
    /// custodian of every input and of every known output. A lot input's amount may not exceed
    /// its stock; a serialised input is consumed whole. Every input must be known; unknown outputs
    /// are created (under the company-prefix rule of `commission`); a known lot output gains stock. The transformation id, `keccak256(abi.encode(entityId, data))`,
    /// links inputs to outputs in the logs.
    /// @return transformationId the id shared by the `InputConsumed` and `OutputProduced` events
    function transform(Quantity[] calldata inputs, Quantity[] calldata outputs, EventData calldata data)
        external
        returns (bytes32 transformationId);

    // ---------------------------------------------------------------- transaction and association

    /// @notice Link items to a business transaction (EPCIS TransactionEvent), e.g. the hash of a
    /// purchase order reference.
    function recordTransaction(
        bytes32[] calldata itemIds,
        bytes32 bizTransaction,
        Action action,
        EventData calldata data
    ) external;

    /// @notice Attach a sensor or device to an item (EPCIS AssociationEvent ADD).
    function associate(bytes32 itemId, bytes32 deviceId, EventData calldata data) external;

    /// @notice Detach a device attached by `associate` (AssociationEvent DELETE).
    function dissociate(bytes32 itemId, bytes32 deviceId, EventData calldata data) external;

    // ---------------------------------------------------------------- corrections

    /// @notice Declare that an earlier event about `itemId` was erroneous (an EPCIS error
    /// declaration); the erroneous event is kept, the declaration joins the chain. The item's
    /// custodian or owner declares, also on a closed item; the item must be known (an error about
    /// an item the chain never saw is declared where that item was recorded).
    /// @param erroneousHash the `epcisHash` of the erroneous event
    /// @param reason a CBV error reason code or a hash of it
    function declareError(bytes32 itemId, bytes32 erroneousHash, bytes32 reason, EventData calldata data)
        external;

    // ---------------------------------------------------------------- custody and ownership

    /// @notice The custodian offers custody to entity `to`; until `to` accepts, the item is in transit.
    function offerCustody(bytes32 itemId, uint32 to) external;

    /// @notice The receiver of the open offer takes custody.
    function acceptCustody(bytes32 itemId) external;

    /// @notice The receiver of the open offer declines it; custody stays with the sender.
    function rejectCustody(bytes32 itemId) external;

    /// @notice The sender withdraws its open offer.
    function cancelCustody(bytes32 itemId) external;

    /// @notice The owner transfers ownership to an active entity (custody does not move).
    function transferOwnership(bytes32 itemId, uint32 to, bytes32 bizTransaction) external;

    // ---------------------------------------------------------------- certification and recall

    /// @notice An inspector (CAP_INSPECTOR) attaches a certificate to a known item or lot.
    /// @param validUntil unix seconds, 0 for no expiry
    function certify(bytes32 itemId, bytes32 certType, bytes32 certHash, uint40 validUntil) external;

    /// @notice The owner or a recall authority (CAP_RECALL_AUTHORITY) recalls an item or lot.
    /// What was made from it is found by traversing the derivation logs (`pilotchain.provenance.trace`).
    function recall(bytes32 itemId, bytes32 reason) external;

    /// @notice The custodian of `itemId` acknowledges the recall of `recalledId`, which is the
    /// item itself or a recalled lot it derives from; the item is flagged recalled.
    function acknowledgeRecall(bytes32 itemId, bytes32 recalledId) external;

    // ---------------------------------------------------------------- company prefixes (council)

    /// @notice Registers GS1 company prefix `prefix` to `entityId`, which alone may then create
    /// ids under it. Only the registry calls this, when the council executes an `ActionKind.Call`
    /// proposal with payload
    /// `abi.encode(address(this), abi.encodeCall(IProvenance.registerPrefix, (entityId, prefix)))`.
    /// Items created under the prefix before it was registered keep their owners.
    /// @param entityId an active entity
    /// @param prefix the prefix's BCD key (`pilotchain.epcis_codes.prefix_key`), not yet registered
    function registerPrefix(uint32 entityId, bytes6 prefix) external;

    /// @notice Removes the registration of `prefix` (a prefix given up or registered in error);
    /// only the registry calls this, through a council `ActionKind.Call` proposal.
    function removePrefix(bytes6 prefix) external;

    // ---------------------------------------------------------------- batching

    /// @notice Run several calls of this contract in one transaction, as the caller (each call
    /// checks membership and permissions as usual); the first failure reverts them all with its error.
    /// @param calls ABI-encoded calls of this contract's functions
    function multicall(bytes[] calldata calls) external;

    // ---------------------------------------------------------------- views

    /// @notice What a QR-code scan needs about `itemId`; `known` is false for an unknown id.
    function verify(bytes32 itemId) external view returns (Verification memory);

    /// @notice `verify` for a page of ids.
    function verifyBatch(bytes32[] calldata itemIds) external view returns (Verification[] memory);

    /// @notice Whether `deviceId` is attached to `itemId`.
    function isAssociated(bytes32 itemId, bytes32 deviceId) external view returns (bool);

    /// @notice The entity `prefix` is registered to, 0 when none.
    function prefixOwner(bytes6 prefix) external view returns (uint32);

    /// @notice The company-prefix key `itemId` lies under (its first six bytes; 0 for none).
    function prefixOf(bytes32 itemId) external pure returns (bytes6);

    /// @notice The membership registry asked at every call.
    function registry() external view returns (IEntityRegistry);
}
