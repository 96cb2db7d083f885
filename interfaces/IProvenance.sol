// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEntityRegistry} from "./IEntityRegistry.sol";

/// @dev The most hops a derivation proof of `IProvenance.acknowledgeRecall` may take.
uint256 constant PROVENANCE_MAX_DERIVATION_HOPS = 8;

/// @dev The per-item event count at which ordinary events stop (`ProvenanceEventLimit`): the
/// last 65,535 values of the 24-bit `Item.eventCount` are kept for `recall`, `acknowledgeRecall`,
/// `withdrawRecall`, `releaseRecall` and `decommission`, which are never refused for the count.
uint24 constant PROVENANCE_EVENT_LIMIT = type(uint24).max - 65_535;

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
/// its rightful creator has not used yet.
///
/// Item ids and company prefixes: `itemId = bytes6(prefix) ‖ bytes26(keccak256(EPC URI))`, the
/// last 26 bytes of the URI's keccak under a 6-byte key of its GS1 company prefix
/// (`pilotchain.epcis.codes.item_id`). The key is the prefix's 6 to 12 digits as packed BCD,
/// filled up with 0xF nibbles ("6901234" is 0x6901234fffff); it is 0 for identifiers whose scheme
/// carries no company prefix (GID, non-EPC URIs, patterns with a wildcard prefix). The contract
/// reads the prefix from the id itself (`prefixOf`), so the id cannot be separated from it: a
/// member that claims another prefix names another id, not the item. The council registers each
/// company prefix to the entity GS1 assigned it to (`registerPrefix`, through the registry); an id
/// under a registered prefix is created only by that entity (`ProvenancePrefixNotOwned`), an id
/// under an unregistered prefix or with none goes to the first member that creates it.
///
/// Packed children move only with their parent: while an item is packed, its custodian is the
/// custodian of its outermost parent (the stored `Item.custodian` is 0, and `verify` reports the
/// parent's), it cannot be offered, accepted or have its ownership transferred on its own
/// (`ProvenancePacked`), and an item in transit (custody offered, not yet accepted) can neither be
/// packed nor packed into, nor unpacked from (`ProvenanceInTransit`). Unpacking hands the children
/// to the custodian of the parent, the caller.
///
/// @dev Tamper evidence: every event whose first argument is `bytes32 indexed itemId` extends that
/// item's hash chain, `head' = bytes20(keccak256(abi.encodePacked(head, eventHash)))` with
/// `eventHash = keccak256(abi.encode(EventSelector, ...all event arguments in order))`, starting
/// from `head = 0`. Event details live in logs and in the chain, never in storage: the contract
/// keeps one slot per item (`Item`) and a second one per lot (`Stock`).
/// Derivations are edges in the logs: `InputConsumed`/`OutputProduced` share a transformation id,
/// `PackedInto` links child to parent; the library traverses them. A transformation's event data
/// is logged once (`Transformed`); its id, a hash of that data, joins each input's and output's chain.
/// Storage keeps the current packing (`_parentOf`) but no transformation edges, so a transformation
/// edge is proven against the hash chains (`ChainProof`) when a recall is acknowledged.
///
/// Enum arguments: `recordTransaction` takes its action as a `uint8` and refuses an unknown one
/// with `ProvenanceInvalidAction`; no other function takes an enum argument (the enums in events
/// and `verify` are outputs), so no call can make the ABI decoder panic on an enum.
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
    /// from 1 (`pilotchain.epcis.codes`; 0 = absent; a custom URI is 0x8000 | 15 bits of its
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
    /// @dev Entity ids are stored in 16 bits (the registry numbers entities from 1 and admits at
    /// most `MAX_ENTITIES` = 65,535 of them), so a custody offer or an ownership transfer fits in
    /// this slot. `eventCount` counts every event up to `PROVENANCE_EVENT_LIMIT` for ordinary
    /// events; the reserved events (recall and decommission, see the constant) count on to
    /// 2^24 - 1 and then leave it there: the head still folds in every event, so a count at its
    /// maximum means "at least".
    struct Item {
        bytes20 head; // hash-chain head over the item's events
        uint16 custodian; // 0 while packed: the custodian of the outermost parent holds it
        uint16 owner;
        uint16 pendingCustodian; // receiver of an open custody offer, 0 when none
        uint24 eventCount;
        Lifecycle lifecycle;
        Kind kind;
        uint8 recalls; // bit 7: own recall by a recall authority; bit 6: by the owner; 0-5: acknowledged recalls
    }

    /// @notice Per-lot second slot: the stock left.
    struct Stock {
        uint64 available; // thousandths of `unit`
        bytes3 unit;
    }

    /// @notice Proof that an event is in an item's hash chain: the chain folds from `prior`
    /// through the event and `later` into the item's current head.
    /// @dev The event is rebuilt as `keccak256(abi.encodePacked(selector, itemId, transformationId,
    /// fields))`: `fields` are the ABI words of the event's arguments after those two.
    struct ChainProof {
        bytes20 prior; // the head before the event
        bytes32[] fields;
        bytes32[] later; // the event hashes after it, oldest first
    }

    /// @notice One hop of a derivation, from the current item back to `source`, which it derives from.
    /// @dev A packing hop (`transformationId = 0`) needs `source` packed into the current item now,
    /// and no proofs. A transformation hop needs `output`, proving `OutputProduced(current,
    /// transformationId, ...)` in the current item's chain, and `input`, proving
    /// `InputConsumed(source, transformationId, ...)` in the source's chain.
    struct DerivationStep {
        bytes32 source;
        bytes32 transformationId;
        ChainProof output;
        ChainProof input;
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

    /// @notice Entity `entityId` commissioned `itemId` (EPCIS ObjectEvent ADD) with its `quantity`
    /// (a lot's initial stock); the item's first event: `entityId` becomes its owner and custodian.
    event Commissioned(bytes32 indexed itemId, uint32 indexed entityId, Quantity quantity, EventData data);
    /// @notice Custodian `entityId` observed `itemId` (EPCIS ObjectEvent OBSERVE), through
    /// `observe` or `observeBatch`.
    event Observed(bytes32 indexed itemId, uint32 indexed entityId, EventData data);
    /// @notice Custodian `entityId` decommissioned `itemId` (EPCIS ObjectEvent DELETE); the item is
    /// closed (`Lifecycle.Decommissioned`).
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
    /// @notice Custodian `entityId` linked `itemId` to business transaction `bizTransaction` (EPCIS
    /// TransactionEvent with `action`); one event per item of `recordTransaction`.
    event TransactionRecorded(
        bytes32 indexed itemId, bytes32 indexed bizTransaction, uint32 entityId, Action action, EventData data
    );
    /// @notice Custodian `entityId` attached device `deviceId` to `itemId` (EPCIS AssociationEvent
    /// ADD).
    event DeviceAssociated(bytes32 indexed itemId, bytes32 indexed deviceId, uint32 entityId, EventData data);
    /// @notice Custodian `entityId` detached device `deviceId` from `itemId` (EPCIS
    /// AssociationEvent DELETE).
    event DeviceDissociated(bytes32 indexed itemId, bytes32 indexed deviceId, uint32 entityId, EventData data);
    /// @notice An error declaration: the event with EPCIS hash `erroneousHash` was wrong;
    /// `data` describes the declaration (its own `epcisHash` is the declaration's).
    event ErrorDeclared(
        bytes32 indexed itemId, bytes32 indexed erroneousHash, uint32 entityId, bytes32 reason, EventData data
    );
    /// @notice Custodian `from` offered custody of `itemId` to `to`; the item is in transit until
    /// `to` accepts or rejects the offer or `from` cancels it.
    event CustodyOffered(bytes32 indexed itemId, uint32 indexed from, uint32 indexed to);
    /// @notice `to`, the receiver of the open offer, took custody of `itemId` from `from`.
    event CustodyAccepted(bytes32 indexed itemId, uint32 indexed from, uint32 indexed to);
    /// @notice `to`, the receiver of the open offer, declined custody of `itemId`; it stays with
    /// `from`.
    event CustodyRejected(bytes32 indexed itemId, uint32 indexed from, uint32 indexed to);
    /// @notice Custodian `from` withdrew its open offer of `itemId` to `to`.
    event CustodyCancelled(bytes32 indexed itemId, uint32 indexed from, uint32 indexed to);
    /// @notice Owner `from` transferred ownership of `itemId` to `to` under business transaction
    /// `bizTransaction`; custody does not move.
    event OwnershipTransferred(
        bytes32 indexed itemId, uint32 indexed from, uint32 indexed to, bytes32 bizTransaction
    );
    /// @notice Inspector `inspector` attached to `itemId` a certificate of type `certType` with
    /// hash `certHash`, valid until `validUntil` (unix seconds, 0 for no expiry).
    event Certified(
        bytes32 indexed itemId, uint32 indexed inspector, bytes32 indexed certType, bytes32 certHash, uint40 validUntil
    );
    /// @notice `entityId`, the owner of `itemId` or a recall authority, recalled it for `reason`;
    /// the item is flagged recalled until the recall is withdrawn.
    event Recalled(bytes32 indexed itemId, uint32 indexed entityId, bytes32 reason);
    /// @notice The custodian of `itemId` acknowledged the recall of `recalledId` (itself or a
    /// lot it was made from); the item is flagged recalled until that recall is withdrawn and the
    /// acknowledgement released.
    event RecallAcknowledged(bytes32 indexed itemId, bytes32 indexed recalledId, uint32 entityId);
    /// @notice The recall of `itemId` was withdrawn by its author or a recall authority `entityId`.
    event RecallWithdrawn(bytes32 indexed itemId, uint32 indexed entityId, bytes32 reason);
    /// @notice The acknowledgement on `itemId` of the withdrawn recall of `recalledId` was released
    /// by member `entityId`: that recall no longer flags the item.
    event RecallReleased(bytes32 indexed itemId, bytes32 indexed recalledId, uint32 entityId);

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

    /// @notice `account`, the caller, is not an account of an active entity
    /// (`IEntityRegistry.memberOf`); raised by every function that records an event (not by
    /// `registerPrefix` and `removePrefix`, which only the registry calls).
    error ProvenanceNotMember(address account);
    /// @notice No event has brought `itemId` into being (only commissioning, a transformation
    /// output and a packing parent create an id), so no other event may name it.
    error ProvenanceUnknownItem(bytes32 itemId);
    /// @notice `commission` (or `commissionBatch`) named `itemId`, which is already known.
    error ProvenanceItemExists(bytes32 itemId);
    /// @notice Entity `entityId`, the caller's, is not the custodian of `itemId` (of its outermost
    /// parent when packed): it cannot record an EPCIS event about it, offer or cancel its custody,
    /// or acknowledge a recall on it.
    error ProvenanceNotCustodian(bytes32 itemId, uint32 entityId);
    /// @notice Entity `entityId`, the caller's, does not own `itemId`, so it cannot transfer its
    /// ownership.
    error ProvenanceNotOwner(bytes32 itemId, uint32 entityId);
    /// @notice Entity `entityId`, the caller's, is neither the owner nor the custodian of `itemId`,
    /// so it cannot declare an error about it.
    error ProvenanceNotOwnerOrCustodian(bytes32 itemId, uint32 entityId);
    /// @notice Entity `entityId`, the caller's, lacks CAP_INSPECTOR, so it cannot `certify`.
    error ProvenanceNotInspector(uint32 entityId);
    /// @notice Entity `entityId` may not recall `itemId` (it is neither its owner nor a recall
    /// authority) or withdraw its recall (it is no recall authority, and not the owner of an item
    /// its owner recalled).
    error ProvenanceNotRecallAuthority(bytes32 itemId, uint32 entityId);
    /// @notice `itemId` is no longer active (`lifecycle` is Consumed or Decommissioned): it takes
    /// no further object, aggregation, transformation, transaction or association event and cannot
    /// be offered.
    error ProvenanceItemClosed(bytes32 itemId, Lifecycle lifecycle);
    /// @notice `itemId` is in transit to `pendingCustodian` (custody offered, not yet accepted): it
    /// cannot be decommissioned, packed, packed into, unpacked from, used in a transformation or
    /// offered again.
    error ProvenanceInTransit(bytes32 itemId, uint32 pendingCustodian);
    /// @notice `itemId` has no open custody offer to accept, reject or cancel.
    error ProvenanceNoPendingTransfer(bytes32 itemId);
    /// @notice Entity `entityId`, the caller's, is not the receiver of the open custody offer of
    /// `itemId`, so it cannot accept or reject it.
    error ProvenanceNotPendingReceiver(bytes32 itemId, uint32 entityId);
    /// @notice Entity `entityId`, the receiver of a custody offer or an ownership transfer, or the
    /// entity a prefix is being registered to, is not active.
    error ProvenanceInactiveEntity(uint32 entityId);
    /// @notice Entity id `entityId` (the caller's, a receiver's or a prefix registrant's) is above
    /// 65535: it does not fit the 16 bits `Item` and the prefix table store it in.
    error ProvenanceEntityIdOutOfRange(uint32 entityId);
    /// @notice Custody or ownership of `itemId` was offered or transferred to `entityId`, the
    /// caller's own entity.
    error ProvenanceSelfTransfer(bytes32 itemId, uint32 entityId);
    /// @notice A quantity of `itemId` is malformed: a serialised item (`lot` false) with an
    /// `amount` or a unit, or, in a transformation, a `lot` flag that contradicts the kind `itemId`
    /// already has.
    error ProvenanceInvalidQuantity(bytes32 itemId, bool lot, uint64 amount);
    /// @notice A transformation names lot `itemId` in unit `actual`; its stock is kept in
    /// `expected`.
    error ProvenanceUnitMismatch(bytes32 itemId, bytes3 expected, bytes3 actual);
    /// @notice A transformation consumes `requested` of lot `itemId`, more than its `available`
    /// stock.
    error ProvenanceQuantityExceeded(bytes32 itemId, uint64 requested, uint64 available);
    /// @notice `itemId` is recalled: `recall` of an item whose own recall is still in force, or a
    /// recalled item (by its own or an acknowledged recall) as a transformation input.
    error ProvenanceRecalled(bytes32 itemId);
    /// @notice `itemId` has no recall of its own in force: `acknowledgeRecall` named it as
    /// `recalledId`, or `withdrawRecall` found no recall of it to withdraw.
    error ProvenanceNotRecalled(bytes32 itemId);
    /// @notice `childId` is already packed into `parentId`, its current parent; unpack it first.
    error ProvenanceAlreadyPacked(bytes32 childId, bytes32 parentId);
    /// @notice `unpack` named `childId`, which is not packed into `parentId`.
    error ProvenanceNotPacked(bytes32 childId, bytes32 parentId);
    /// @notice Packing `childId` into `parentId` would make a cycle: they are the same item, or
    /// `childId` already contains `parentId`.
    error ProvenancePackingCycle(bytes32 childId, bytes32 parentId);
    /// @notice Device `deviceId` is already attached to `itemId`.
    error ProvenanceAlreadyAssociated(bytes32 itemId, bytes32 deviceId);
    /// @notice Device `deviceId` is not attached to `itemId`, so it cannot be dissociated.
    error ProvenanceNotAssociated(bytes32 itemId, bytes32 deviceId);
    /// @notice A certificate's `validUntil` is not 0 (no expiry) and not later than the block's
    /// timestamp.
    error ProvenanceCertificateExpired(uint40 validUntil);
    /// @notice A list that may not be empty is: the children of `pack` or `unpack`, the inputs or
    /// outputs of `transform`, the items of `recordTransaction`, or the calls of `multicall`.
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
    /// @notice `commissionBatch` got `expected` quantities but `actual` event data.
    error ProvenanceLengthMismatch(uint256 expected, uint256 actual);
    /// @notice `itemId` is packed into `parentId` and moves only with it.
    error ProvenancePacked(bytes32 itemId, bytes32 parentId);
    /// @notice The derivation path of an acknowledgement does not lead from `itemId` to `recalledId`.
    error ProvenanceNotDerived(bytes32 itemId, bytes32 recalledId);
    /// @notice Hop `step` of a derivation path, from `itemId` to `source`, is not what packing or
    /// the hash chains recorded.
    error ProvenanceInvalidDerivationStep(uint256 step, bytes32 itemId, bytes32 source);
    /// @notice A derivation path of `hops` hops is longer than `maxHops`.
    error ProvenanceDerivationTooLong(uint256 hops, uint256 maxHops);
    /// @notice `itemId` already acknowledged the recall of `recalledId`.
    error ProvenanceAlreadyAcknowledged(bytes32 itemId, bytes32 recalledId);
    /// @notice `itemId` holds no acknowledgement of the recall of `recalledId`.
    error ProvenanceNotAcknowledged(bytes32 itemId, bytes32 recalledId);
    /// @notice The recall of `recalledId` is still in force: its acknowledgements cannot be released.
    error ProvenanceRecallInForce(bytes32 recalledId);
    /// @notice `itemId` already holds as many acknowledgements of recalls as its counter keeps (63).
    error ProvenanceTooManyRecalls(bytes32 itemId);
    /// @notice A call (direct or inside `multicall`) names no function of this contract.
    error ProvenanceUnknownSelector(bytes4 selector);
    /// @notice `action` is not an `Action`.
    error ProvenanceInvalidAction(uint8 action);
    /// @notice Item `itemId` has recorded `eventCount` events, `PROVENANCE_EVENT_LIMIT`: it takes
    /// no more ordinary events (recall and decommission remain possible).
    error ProvenanceEventLimit(bytes32 itemId, uint24 eventCount);

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
    /// @dev Never refused for the item's event count (see `PROVENANCE_EVENT_LIMIT`).
    function decommission(bytes32 itemId, EventData calldata data) external;

    // ---------------------------------------------------------------- aggregation

    /// @notice Pack `childIds` into `parentId` (EPCIS AggregationEvent ADD). The caller is the
    /// custodian of the parent and of every child. An unknown parent is created (under the
    /// company-prefix rule of `commission`); every child must be known. Neither the parent nor a
    /// child may be in transit (`ProvenanceInTransit`); the children then move with the parent.
    function pack(bytes32 parentId, bytes32[] calldata childIds, EventData calldata data) external;

    /// @notice Unpack `childIds` from `parentId` (AggregationEvent DELETE) by the parent's
    /// custodian, who becomes each child's custodian. The parent may not be in transit
    /// (`ProvenanceInTransit`).
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
    /// @param action an `Action`, taken as its `uint8` so that an unknown value is refused with
    /// `ProvenanceInvalidAction` (an enum parameter would make the decoder revert without data)
    function recordTransaction(
        bytes32[] calldata itemIds,
        bytes32 bizTransaction,
        uint8 action,
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

    /// @notice The custodian offers custody to entity `to`; until `to` accepts, the item is in
    /// transit. A packed child is not offered on its own (`ProvenancePacked`).
    function offerCustody(bytes32 itemId, uint32 to) external;

    /// @notice The receiver of the open offer takes custody. (A packed child never has an open
    /// offer: it cannot be offered, and an item in transit cannot be packed.)
    function acceptCustody(bytes32 itemId) external;

    /// @notice The receiver of the open offer declines it; custody stays with the sender.
    function rejectCustody(bytes32 itemId) external;

    /// @notice The sender withdraws its open offer.
    function cancelCustody(bytes32 itemId) external;

    /// @notice The owner transfers ownership to an active entity (custody does not move). A packed
    /// child changes hands only with its parent (`ProvenancePacked`).
    function transferOwnership(bytes32 itemId, uint32 to, bytes32 bizTransaction) external;

    // ---------------------------------------------------------------- certification and recall

    /// @notice An inspector (CAP_INSPECTOR) attaches a certificate to a known item or lot.
    /// @param validUntil unix seconds, 0 for no expiry
    function certify(bytes32 itemId, bytes32 certType, bytes32 certHash, uint40 validUntil) external;

    /// @notice The owner or a recall authority (CAP_RECALL_AUTHORITY) recalls an item or lot; the
    /// item keeps which of the two did (`Item.recalls`), which decides who may withdraw it.
    /// What was made from it is found by traversing the derivation logs (`pilotchain.provenance.trace`).
    /// @dev Never refused for the item's event count, nor are `acknowledgeRecall`,
    /// `withdrawRecall` and `releaseRecall` (see `PROVENANCE_EVENT_LIMIT`).
    function recall(bytes32 itemId, bytes32 reason) external;

    /// @notice The custodian of `itemId` acknowledges the recall of `recalledId`, which is the
    /// item itself or a recalled item it derives from; the item is flagged recalled.
    /// @dev The derivation is checked on chain along `path`, hop by hop from `itemId` back to
    /// `recalledId` (empty when they are the same item): a packing hop against the current packing,
    /// a transformation hop against both items' hash chains (see `DerivationStep`). A proof costs
    /// nothing until it is used (transform and pack store no extra edges); its price is calldata
    /// and hashing for the events after the proven ones. At most `PROVENANCE_MAX_DERIVATION_HOPS`
    /// hops (`ProvenanceDerivationTooLong`); a path that does not hold reverts
    /// `ProvenanceInvalidDerivationStep` or `ProvenanceNotDerived`. A second acknowledgement of the
    /// same recall on the same item reverts `ProvenanceAlreadyAcknowledged`.
    /// `pilotchain.provenance.acknowledge_recall` builds the path from the logs.
    function acknowledgeRecall(bytes32 itemId, bytes32 recalledId, DerivationStep[] calldata path) external;

    /// @notice Withdraw the recall of `itemId` (it was resolved or wrong): a recall authority
    /// (CAP_RECALL_AUTHORITY) withdraws any recall, the owner only a recall made by the owner (an
    /// owner cannot lift a regulator's recall). The item is no longer flagged by it, and the
    /// acknowledgements of it can be released (`releaseRecall`).
    /// @dev The author is kept as a role (owner or authority) in the item's slot, not as an entity
    /// in a slot of its own: a recall stays as cheap as any other event. After an ownership
    /// transfer the new owner may withdraw the previous owner's recall, as it could have made it.
    function withdrawRecall(bytes32 itemId, bytes32 reason) external;

    /// @notice Release the acknowledgement on `itemId` of the recall of `recalledId` once that
    /// recall is withdrawn (any member; it only brings the flag in line with the recall): the item
    /// returns to the status it had before, unless other recalls still flag it.
    function releaseRecall(bytes32 itemId, bytes32 recalledId) external;

    // ---------------------------------------------------------------- company prefixes (council)

    /// @notice Registers GS1 company prefix `prefix` to `entityId`, which alone may then create
    /// ids under it. Only the registry calls this, when the council executes an `ActionKind.Call`
    /// proposal with payload
    /// `abi.encode(address(this), abi.encodeCall(IProvenance.registerPrefix, (entityId, prefix)))`.
    /// Items created under the prefix before it was registered keep their owners.
    /// @param entityId an active entity
    /// @param prefix the prefix's BCD key (`pilotchain.epcis.codes.prefix_key`), not yet registered
    function registerPrefix(uint32 entityId, bytes6 prefix) external;

    /// @notice Removes the registration of `prefix` (a prefix given up or registered in error);
    /// only the registry calls this, through a council `ActionKind.Call` proposal.
    function removePrefix(bytes6 prefix) external;

    // ---------------------------------------------------------------- batching

    /// @notice Run several calls of this contract in one transaction, as the caller (each call
    /// checks membership and permissions as usual); the first failure reverts them all with its error.
    /// An empty list reverts `ProvenanceEmptyList`; a call naming no function of this contract
    /// reverts `ProvenanceUnknownSelector` (as such a call does outside `multicall`).
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

    /// @notice `PROVENANCE_EVENT_LIMIT`: the per-item event count at which ordinary events are
    /// refused (`ProvenanceEventLimit`); recall and decommission remain possible beyond it.
    /// @return the limit
    function EVENT_LIMIT() external view returns (uint24);

    /// @notice The membership registry asked at every call.
    function registry() external view returns (IEntityRegistry);
}
