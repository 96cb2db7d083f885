// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEntityRegistry, CAP_INSPECTOR, CAP_RECALL_AUTHORITY} from "../interfaces/IEntityRegistry.sol";

/// @title EntityRegistry
/// @notice Consortium membership and council governance. See IEntityRegistry for the API docs.
/// @dev Storage per entity: one packed `Entity` slot, the code index, one slot per account, one
/// bit of `_activeBits`.
/// Proposals commit to their payload by hash; the executor supplies the payload again.
contract EntityRegistry is IEntityRegistry {
    // ---------------------------------------------------------------- storage

    uint16 private constant _BPS = 10_000;
    uint256 private constant _SEATS = 64;
    uint8 private constant _ALL_CAPABILITIES = CAP_INSPECTOR | CAP_RECALL_AUTHORITY;

    /// @inheritdoc IEntityRegistry
    uint256 public constant MAX_ENTITIES = type(uint16).max;
    /// @inheritdoc IEntityRegistry
    uint256 public constant MAX_PAGE = 1000;
    /// @inheritdoc IEntityRegistry
    uint256 public constant SCAN_WINDOW = 1000;
    /// @inheritdoc IEntityRegistry
    uint256 public constant MAX_SCAN = 3000;

    struct Membership {
        uint32 entityId;
        AccountRole role;
    }

    mapping(uint32 => Entity) private _entities;
    mapping(bytes32 => uint32) private _idByCode;
    mapping(address => Membership) private _members;
    uint32 private _entityCount;
    uint8 private _councilSize;
    uint8 private _electorateSize; // council members whose entity is active: they can vote
    uint64 private _seatsTaken;
    uint32 private _proposalCount;

    mapping(uint256 => Proposal) private _proposals;
    uint40 private immutable _votingPeriod;
    mapping(ActionKind => VotingRule) private _rules;
    /// @dev Entity id >> 8 => one bit per entity (id & 0xff), set while its status is Active: a
    /// mirror of `Entity.status`, written where a status is (`_transition`, and `_setActiveBits`
    /// after `_admit`), so that `memberOfAndActive` reads one word for an account's entity and
    /// another entity when their ids share it.
    mapping(uint256 => uint256) private _activeBits;

    /// @dev A validator's entity (kept after its removal) and its 1-based position in
    /// `_validators` (0 once removed).
    struct ValidatorRecord {
        uint32 entityId;
        uint32 position;
    }

    mapping(address => ValidatorRecord) private _validatorRecords;
    address[] private _validators;

    // ---------------------------------------------------------------- construction

    /// @param founders the founding entities; all of them form the first council
    /// @param rules the voting rule of each ActionKind, in enum order
    /// @param votingPeriod_ seconds a proposal stays open
    constructor(NewEntity[] memory founders, VotingRule[11] memory rules, uint40 votingPeriod_) {
        if (founders.length == 0) revert RegistryCouncilTooSmall(0);
        for (uint256 i; i < rules.length; ++i) {
            _setRule(ActionKind(i), rules[i]);
        }
        _votingPeriod = votingPeriod_;
        for (uint256 i; i < founders.length; ++i) {
            NewEntity memory founder = founders[i];
            founder.council = true;
            _admit(founder, i);
        }
        _setActiveBits(1, _entityCount);
    }

    // ---------------------------------------------------------------- membership (hot path)

    /// @inheritdoc IEntityRegistry
    function memberOf(address account)
        external
        view
        returns (uint32 entityId, AccountRole role, uint8 capabilities)
    {
        Membership memory m = _members[account];
        if (m.entityId == 0) return (0, AccountRole.None, 0);
        Entity storage e = _entities[m.entityId];
        if (e.status != EntityStatus.Active) return (0, AccountRole.None, 0);
        return (m.entityId, m.role, e.capabilities);
    }

    /// @inheritdoc IEntityRegistry
    function isActiveMember(address account) external view returns (bool) {
        uint32 id = _members[account].entityId;
        return id != 0 && _entities[id].status == EntityStatus.Active;
    }

    /// @inheritdoc IEntityRegistry
    function activeAdminOf(address account) external view returns (uint32) {
        Membership memory m = _members[account];
        if (m.role != AccountRole.Admin || _entities[m.entityId].status != EntityStatus.Active) return 0;
        return m.entityId;
    }

    /// @inheritdoc IEntityRegistry
    function isActiveEntity(uint32 entityId) external view returns (bool) {
        return _entities[entityId].status == EntityStatus.Active;
    }

    /// @inheritdoc IEntityRegistry
    /// @dev Reads the account's slot and `_activeBits` (one word for both entities below id 256).
    function memberOfAndActive(address account, uint32 other) external view returns (uint32 entityId, bool otherActive) {
        uint32 id = _members[account].entityId;
        if (id == 0) return (0, false);
        uint256 word = _activeBits[id >> 8];
        if ((word >> (id & 0xff)) & 1 == 0) return (0, false);
        if (other >> 8 != id >> 8) word = _activeBits[other >> 8];
        return (id, (word >> (other & 0xff)) & 1 != 0);
    }

    /// @inheritdoc IEntityRegistry
    function entityOf(address account) external view returns (uint32, AccountRole) {
        Membership memory m = _members[account];
        return (m.entityId, m.role);
    }

    // ---------------------------------------------------------------- accounts

    /// @inheritdoc IEntityRegistry
    function addAccount(address account, uint8 roleId) external {
        uint32 id = _requireActiveAdmin();
        if (roleId == uint8(AccountRole.None) || roleId > uint8(type(AccountRole).max)) {
            revert RegistryInvalidRole(roleId);
        }
        AccountRole role = AccountRole(roleId);
        if (role == AccountRole.Admin) {
            Entity storage e = _entities[id];
            uint32 admins = e.admins;
            if (admins == type(uint32).max) revert RegistryAdminLimit(id, admins);
            unchecked {
                e.admins = admins + 1;
            }
        }
        _setMembership(id, account, role);
        emit AccountAdded(id, account, role);
    }

    /// @inheritdoc IEntityRegistry
    function removeAccount(address account) external {
        uint32 id = _requireActiveAdmin();
        Membership memory m = _members[account];
        if (m.entityId != id) revert RegistryUnknownAccount(account);
        if (m.role == AccountRole.Admin) {
            Entity storage e = _entities[id];
            if (e.admins == 1) revert RegistryLastAdmin(id, account);
            e.admins -= 1;
        }
        delete _members[account];
        emit AccountRemoved(id, account);
    }

    /// @inheritdoc IEntityRegistry
    function rotateAccount(address oldAccount, address newAccount) external {
        uint32 id = _requireActiveAdmin();
        Membership memory m = _members[oldAccount];
        if (m.entityId != id) revert RegistryUnknownAccount(oldAccount);
        delete _members[oldAccount];
        emit AccountRemoved(id, oldAccount);
        _setMembership(id, newAccount, m.role);
        emit AccountAdded(id, newAccount, m.role);
    }

    /// @inheritdoc IEntityRegistry
    function updateDossier(bytes32 dossierHash, string calldata dossierURI) external {
        uint32 id = _requireActiveAdmin();
        _entities[id].updatedAt = uint40(block.timestamp);
        emit DossierUpdated(id, dossierHash, dossierURI);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IEntityRegistry
    function propose(uint8 kind, bytes calldata payload) external returns (uint256) {
        return _propose(_actionKind(kind), keccak256(payload), "");
    }

    /// @inheritdoc IEntityRegistry
    function proposeByHash(uint8 kind, bytes32 payloadHash, string calldata payloadURI)
        external
        returns (uint256)
    {
        return _propose(_actionKind(kind), payloadHash, payloadURI);
    }

    /// @inheritdoc IEntityRegistry
    function vote(uint256 proposalId, uint8 support) external {
        if (support > uint8(type(Vote).max)) revert RegistryInvalidVote(support);
        uint32 voter = _requireActiveAdmin();
        Proposal storage p = _requireOpen(proposalId);
        if (!_inVotingSet(voter, proposalId)) revert RegistryNotInVotingSet(proposalId, voter);
        uint64 bit = uint64(1) << _entities[voter].seat;
        if (p.ballots & bit != 0) revert RegistryAlreadyVoted(proposalId, voter);
        p.ballots |= bit;
        unchecked {
            if (support == uint8(Vote.Yes)) p.yes += 1;
            else if (support == uint8(Vote.No)) p.no += 1;
            else p.abstain += 1;
        }
        emit Voted(proposalId, voter, Vote(support));
    }

    /// @inheritdoc IEntityRegistry
    function execute(uint256 proposalId, bytes calldata payload) external {
        Proposal storage p = _requireOpen(proposalId);
        if (!_passed(p)) revert RegistryProposalNotPassed(proposalId, p.yes, p.electorate);
        bytes32 actual = keccak256(payload);
        if (actual != p.payloadHash) revert RegistryPayloadMismatch(proposalId, p.payloadHash, actual);
        p.status = ProposalStatus.Executed;
        _perform(p.kind, payload);
        emit ProposalExecuted(proposalId);
    }

    /// @inheritdoc IEntityRegistry
    function cancel(uint256 proposalId) external {
        uint32 caller = _requireActiveAdmin();
        Proposal storage p = _proposals[proposalId];
        if (p.status == ProposalStatus.None) revert RegistryUnknownProposal(proposalId);
        if (p.status != ProposalStatus.Open) revert RegistryProposalNotOpen(proposalId, p.status);
        if (caller != p.proposer) revert RegistryNotProposer(proposalId, caller);
        p.status = ProposalStatus.Cancelled;
        emit ProposalCancelled(proposalId);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IEntityRegistry
    function entity(uint32 entityId) external view returns (Entity memory) {
        Entity memory e = _entities[entityId];
        if (e.status == EntityStatus.None) revert RegistryUnknownEntity(entityId);
        return e;
    }

    /// @inheritdoc IEntityRegistry
    function entityIdByCode(bytes32 code) external view returns (uint32) {
        return _idByCode[code];
    }

    /// @inheritdoc IEntityRegistry
    function entityCount() external view returns (uint256) {
        return _entityCount;
    }

    /// @inheritdoc IEntityRegistry
    function councilSize() external view returns (uint256) {
        return _councilSize;
    }

    /// @inheritdoc IEntityRegistry
    function electorateSize() external view returns (uint256) {
        return _electorateSize;
    }

    /// @inheritdoc IEntityRegistry
    function listEntities(EntityFilter calldata filter, uint256 cursor, uint256 limit)
        external
        view
        returns (EntityView[] memory page, uint256 nextCursor)
    {
        _requirePageLimit(limit);
        page = _entityPage(limit);
        uint256 found;
        uint256 last = _entityCount;
        uint256 first = cursor == 0 ? 1 : cursor;
        uint256 id = first;
        (uint256 mask, uint256 wanted) = _filterBits(filter);
        for (; id <= last && found < limit; ++id) {
            if (_scanDone(id - first, found)) break;
            // One SLOAD per id scanned; only the matches are copied to memory.
            Entity storage e = _entities[uint32(id)];
            uint256 word;
            assembly ("memory-safe") {
                word := sload(e.slot)
            }
            if (word & mask == wanted) page[found++] = EntityView(uint32(id), e);
        }
        assembly ("memory-safe") {
            mstore(page, found)
        }
        nextCursor = id <= last ? id : 0;
    }

    /// @inheritdoc IEntityRegistry
    function proposal(uint256 proposalId) external view returns (ProposalView memory) {
        Proposal memory p = _proposals[proposalId];
        if (p.status == ProposalStatus.None) revert RegistryUnknownProposal(proposalId);
        return ProposalView(proposalId, p, _passed(p));
    }

    /// @inheritdoc IEntityRegistry
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    /// @inheritdoc IEntityRegistry
    /// @dev Proposals expire in id order (one voting period after creation), so the unexpired
    /// ones are the ids after the last expired one, found by binary search: expired proposals
    /// leave the listing by time alone, with no write on any path.
    function listOpenProposals(uint256 cursor, uint256 limit)
        external
        view
        returns (ProposalView[] memory page, uint256 nextCursor)
    {
        _requirePageLimit(limit);
        page = _proposalPage(limit);
        uint256 found;
        uint256 last = _proposalCount;
        uint256 first = _firstUnexpired(last);
        if (cursor > first) first = cursor;
        uint256 id = first;
        for (; id <= last && found < limit; ++id) {
            if (_scanDone(id - first, found)) break;
            if (_proposals[id].status != ProposalStatus.Open) continue;
            Proposal memory p = _proposals[id];
            page[found++] = ProposalView(id, p, _passed(p));
        }
        assembly ("memory-safe") {
            mstore(page, found)
        }
        nextCursor = id <= last ? id : 0;
    }

    /// @inheritdoc IEntityRegistry
    function hasVoted(uint256 proposalId, uint32 entityId) external view returns (bool) {
        return _inVotingSet(entityId, proposalId)
            && _proposals[proposalId].ballots & (uint64(1) << _entities[entityId].seat) != 0;
    }

    /// @inheritdoc IEntityRegistry
    function votingRule(uint8 kind) external view returns (VotingRule memory) {
        return _rules[_actionKind(kind)];
    }

    /// @inheritdoc IEntityRegistry
    function listValidators(uint256 cursor, uint256 limit)
        external
        view
        returns (ValidatorView[] memory page, uint256 nextCursor)
    {
        _requirePageLimit(limit);
        page = _validatorPage(limit);
        uint256 found;
        uint256 last = _validators.length;
        uint256 first = cursor == 0 ? 1 : cursor;
        uint256 position = first;
        for (; position <= last && found < limit; ++position) {
            if (_scanDone(position - first, found)) break;
            address validator = _validators[position - 1];
            uint32 id = _validatorRecords[validator].entityId;
            if (_validatorEntityActive(id)) page[found++] = ValidatorView(validator, id);
        }
        assembly ("memory-safe") {
            mstore(page, found)
        }
        nextCursor = position <= last ? position : 0;
    }

    /// @inheritdoc IEntityRegistry
    function validatorCount() external view returns (uint256) {
        return _validators.length;
    }

    /// @inheritdoc IEntityRegistry
    function validatorOf(address validator) external view returns (uint32 entityId, bool inSet) {
        ValidatorRecord memory record = _validatorRecords[validator];
        return (record.entityId, record.position != 0 && _validatorEntityActive(record.entityId));
    }

    /// @inheritdoc IEntityRegistry
    function votingPeriod() external view returns (uint40) {
        return _votingPeriod;
    }

    // ---------------------------------------------------------------- internal: actions

    function _propose(ActionKind kind, bytes32 payloadHash, string memory payloadURI)
        private
        returns (uint256 proposalId)
    {
        uint32 proposer = _requireCouncilMember();
        proposalId = ++_proposalCount;
        uint40 expiresAt = uint40(block.timestamp) + _votingPeriod;
        _proposals[proposalId] = Proposal({
            kind: kind,
            status: ProposalStatus.Open,
            electorate: _electorateSize,
            yes: 1,
            no: 0,
            abstain: 0,
            proposer: proposer,
            createdAt: uint40(block.timestamp),
            expiresAt: expiresAt,
            ballots: uint64(1) << _entities[proposer].seat,
            payloadHash: payloadHash
        });
        emit ProposalCreated(proposalId, proposer, kind, expiresAt, payloadHash, payloadURI);
        emit Voted(proposalId, proposer, Vote.Yes);
    }

    function _perform(ActionKind kind, bytes calldata payload) private {
        if (kind == ActionKind.Admit) {
            NewEntity[] memory batch = abi.decode(payload, (NewEntity[]));
            uint32 first = _entityCount + 1;
            for (uint256 i; i < batch.length; ++i) {
                // Council seats take the stricter AddCouncil vote, never a plain admission.
                if (batch[i].council) revert RegistryInvalidEntity(i, "council");
                _admit(batch[i], i);
            }
            _setActiveBits(first, _entityCount);
        } else if (kind == ActionKind.Suspend) {
            (uint32 id, bytes32 reason) = abi.decode(payload, (uint32, bytes32));
            Entity storage e = _transition(id, EntityStatus.Active, EntityStatus.Suspended, reason);
            if (e.council) _pauseCouncilTerm(e);
        } else if (kind == ActionKind.Reinstate) {
            (uint32 id, bytes32 reason) = abi.decode(payload, (uint32, bytes32));
            Entity storage e = _transition(id, EntityStatus.Suspended, EntityStatus.Active, reason);
            if (e.council) _resumeCouncilTerm(e);
        } else if (kind == ActionKind.Revoke) {
            (uint32 id, bytes32 reason) = abi.decode(payload, (uint32, bytes32));
            EntityStatus from = _requireEntity(id).status;
            if (from != EntityStatus.Active && from != EntityStatus.Suspended) {
                revert RegistryInvalidTransition(id, from, EntityStatus.Revoked);
            }
            Entity storage e = _transition(id, from, EntityStatus.Revoked, reason);
            if (e.council) _leaveCouncil(id, from == EntityStatus.Active);
        } else if (kind == ActionKind.AddCouncil) {
            uint32 id = abi.decode(payload, (uint32));
            Entity storage e = _requireEntity(id);
            if (e.status != EntityStatus.Active) revert RegistryEntityNotActive(id, e.status);
            if (e.council) revert RegistryAlreadyCouncil(id);
            // Rejoining while a proposal of the last term may be open would cost the entity its
            // vote there (one term is kept per entity): wait until they have all expired.
            if (e.councilUntil != 0) {
                uint40 lastExpiry = _proposals[e.councilUntil].expiresAt;
                if (block.timestamp < lastExpiry) revert RegistryCouncilCoolingOff(id, lastExpiry);
            }
            _joinCouncil(id, e);
        } else if (kind == ActionKind.RemoveCouncil) {
            uint32 id = abi.decode(payload, (uint32));
            Entity storage e = _requireEntity(id);
            if (!e.council) revert RegistryNotCouncil(id);
            _leaveCouncil(id, e.status == EntityStatus.Active);
        } else if (kind == ActionKind.SetCapabilities) {
            (uint32 id, uint8 capabilities) = abi.decode(payload, (uint32, uint8));
            Entity storage e = _requireEntity(id);
            if (capabilities & ~_ALL_CAPABILITIES != 0) revert RegistryInvalidCapabilities(capabilities);
            e.capabilities = capabilities;
            e.updatedAt = uint40(block.timestamp);
            emit CapabilitiesChanged(id, capabilities);
        } else if (kind == ActionKind.SetRule) {
            (uint8 target, VotingRule memory rule) = abi.decode(payload, (uint8, VotingRule));
            _setRule(_actionKind(target), rule);
        } else if (kind == ActionKind.AddValidator) {
            (uint32 id, address validator) = abi.decode(payload, (uint32, address));
            _addValidator(id, validator);
        } else if (kind == ActionKind.RemoveValidator) {
            (uint32 id, address validator) = abi.decode(payload, (uint32, address));
            _removeValidator(id, validator);
        } else {
            (address target, bytes memory data) = abi.decode(payload, (address, bytes));
            if (target.code.length == 0) revert RegistryCallFailed(target, "");
            (bool ok, bytes memory reason) = target.call(data);
            if (!ok) revert RegistryCallFailed(target, reason);
        }
    }

    function _admit(NewEntity memory n, uint256 index) private {
        if (n.code == bytes32(0)) revert RegistryInvalidEntity(index, "code");
        if (n.admin == address(0)) revert RegistryInvalidEntity(index, "admin");
        if (bytes(n.name).length == 0) revert RegistryInvalidEntity(index, "name");
        if (n.capabilities & ~_ALL_CAPABILITIES != 0) revert RegistryInvalidEntity(index, "capabilities");
        uint32 existing = _idByCode[n.code];
        if (existing != 0) revert RegistryDuplicateCode(n.code, existing);
        uint32 id;
        unchecked {
            id = ++_entityCount;
        }
        // Provenance stores entity ids in 16 bits: the registry stops before they overflow there.
        if (id > MAX_ENTITIES) revert RegistryEntityLimit(MAX_ENTITIES);
        _idByCode[n.code] = id;
        Entity storage e = _entities[id];
        e.kind = n.kind;
        e.status = EntityStatus.Active;
        e.capabilities = n.capabilities;
        e.region = n.region;
        e.admittedAt = uint40(block.timestamp);
        e.updatedAt = uint40(block.timestamp);
        e.admins = 1;
        _setMembership(id, n.admin, AccountRole.Admin);
        emit EntityAdmitted(id, n.code, n.admin, n.name, n.dossierHash, n.dossierURI);
        if (n.council) _joinCouncil(id, e);
    }

    function _setMembership(uint32 id, address account, AccountRole role) private {
        if (account == address(0)) revert RegistryUnknownAccount(account);
        uint32 holder = _members[account].entityId;
        if (holder != 0) revert RegistryAccountTaken(account, holder);
        _members[account] = Membership(id, role);
    }

    function _transition(uint32 id, EntityStatus from, EntityStatus to, bytes32 reason)
        private
        returns (Entity storage e)
    {
        e = _requireEntity(id);
        if (e.status != from) revert RegistryInvalidTransition(id, e.status, to);
        e.status = to;
        e.updatedAt = uint40(block.timestamp);
        uint256 bit = 1 << (id & 0xff);
        if (to == EntityStatus.Active) _activeBits[id >> 8] |= bit;
        else _activeBits[id >> 8] &= ~bit;
        emit EntityStatusChanged(id, to, reason);
    }

    /// @dev Sets the active bits of ids `first`..`last`, just admitted (`_admit` leaves them to
    /// its caller so that a batch writes each word once).
    function _setActiveBits(uint32 first, uint32 last) private {
        for (uint256 id = first; id <= last; id = (id | 0xff) + 1) {
            uint256 top = (last | 0xff) == (id | 0xff) ? last & 0xff : 0xff; // the last word stops at `last`
            uint256 low = id & 0xff;
            _activeBits[id >> 8] |= (type(uint256).max >> (255 - top + low)) << low;
        }
    }

    /// @dev Joins the voting set of proposals created from now on (ids > current count) on
    /// the lowest free seat. A seat freed by a leaver may be reused at once: the leaver votes
    /// only on older proposals, the newcomer only on newer ones, so a ballot bit is never shared.
    function _joinCouncil(uint32 id, Entity storage e) private {
        uint64 taken = _seatsTaken;
        if (taken == type(uint64).max) revert RegistryCouncilFull(_SEATS);
        uint8 seat;
        while (taken & (uint64(1) << seat) != 0) ++seat;
        _seatsTaken = taken | (uint64(1) << seat);
        e.seat = seat;
        e.council = true;
        e.councilFrom = _proposalCount;
        e.councilUntil = 0;
        _councilSize += 1;
        _electorateSize += 1;
        emit CouncilJoined(id);
    }

    /// @dev Leaves the council. An active member stays in the voting set of proposals created
    /// so far; a suspended one already left it at its suspension (`_pauseCouncilTerm`), so its
    /// term is not extended over the proposals opened while it was suspended. At least one
    /// active member must remain: nobody else could propose.
    function _leaveCouncil(uint32 id, bool voting) private {
        Entity storage e = _entities[id];
        if (voting) {
            if (_electorateSize == 1) revert RegistryCouncilTooSmall(1);
            e.councilUntil = _proposalCount;
            _electorateSize -= 1;
        }
        _seatsTaken &= ~(uint64(1) << e.seat);
        e.council = false;
        _councilSize -= 1;
        emit CouncilLeft(id);
    }

    /// @dev A council member is suspended: its term ends now for voting (it stays in the voting
    /// set of the proposals created so far, see `_resumeCouncilTerm`), it keeps its seat, and
    /// proposals opened from now on do not count it in their electorate. The last active
    /// member cannot be suspended: nobody could propose its reinstatement.
    function _pauseCouncilTerm(Entity storage e) private {
        if (_electorateSize == 1) revert RegistryCouncilTooSmall(1);
        e.councilUntil = _proposalCount;
        _electorateSize -= 1;
    }

    /// @dev A suspended council member is reinstated: it votes on the proposals opened from now
    /// on. If none was opened while it was suspended its term simply continues; otherwise a new
    /// term starts (one term is kept per entity), and the proposals of the paused term that are
    /// still open can no longer count its vote.
    function _resumeCouncilTerm(Entity storage e) private {
        uint32 count = _proposalCount;
        if (e.councilUntil != count) e.councilFrom = count;
        e.councilUntil = 0;
        _electorateSize += 1;
    }

    function _addValidator(uint32 id, address validator) private {
        Entity storage e = _requireEntity(id);
        if (!_validatorEntityActive(id)) revert RegistryEntityNotActive(id, e.status);
        if (validator == address(0)) revert RegistryInvalidValidator(validator);
        ValidatorRecord storage record = _validatorRecords[validator];
        if (record.position != 0) revert RegistryValidatorTaken(validator, record.entityId);
        _validators.push(validator);
        record.entityId = id;
        record.position = uint32(_validators.length);
        emit ValidatorAdded(id, validator);
    }

    /// @dev Whether the validators of entity `id` are in the validator set: the one place the
    /// validator code reads an entity's status.
    function _validatorEntityActive(uint32 id) private view returns (bool) {
        return _entities[id].status == EntityStatus.Active;
    }

    /// @dev Moves the last validator into the freed position (one write, whatever the set's size).
    function _removeValidator(uint32 id, address validator) private {
        ValidatorRecord storage record = _validatorRecords[validator];
        uint32 position = record.position;
        if (position == 0 || record.entityId != id) revert RegistryNotValidator(id, validator);
        address last = _validators[_validators.length - 1];
        _validators[position - 1] = last;
        _validatorRecords[last].position = position;
        _validators.pop();
        record.position = 0;
        emit ValidatorRemoved(id, validator);
    }

    function _setRule(ActionKind kind, VotingRule memory rule) private {
        if (rule.thresholdBps == 0 || rule.thresholdBps > _BPS || rule.quorumBps > _BPS) {
            revert RegistryInvalidRule(kind, rule.thresholdBps, rule.quorumBps);
        }
        _rules[kind] = rule;
        emit RuleChanged(kind, rule.thresholdBps, rule.quorumBps);
    }

    // ---------------------------------------------------------------- internal: checks

    function _requireActiveAdmin() private view returns (uint32 id) {
        Membership memory m = _members[msg.sender];
        if (m.entityId == 0) revert RegistryNotMember(msg.sender);
        if (m.role != AccountRole.Admin) revert RegistryNotAdmin(msg.sender, m.entityId);
        EntityStatus status = _entities[m.entityId].status;
        if (status != EntityStatus.Active) revert RegistryEntityNotActive(m.entityId, status);
        return m.entityId;
    }

    /// @dev The caller's entity, which must be active and on the council (to propose).
    function _requireCouncilMember() private view returns (uint32 id) {
        id = _requireActiveAdmin();
        if (!_entities[id].council) revert RegistryNotCouncil(id);
    }

    function _requireEntity(uint32 id) private view returns (Entity storage e) {
        e = _entities[id];
        if (e.status == EntityStatus.None) revert RegistryUnknownEntity(id);
    }

    function _requireOpen(uint256 proposalId) private view returns (Proposal storage p) {
        p = _proposals[proposalId];
        if (p.status == ProposalStatus.None) revert RegistryUnknownProposal(proposalId);
        if (p.status != ProposalStatus.Open) revert RegistryProposalNotOpen(proposalId, p.status);
        if (block.timestamp >= p.expiresAt) revert RegistryProposalExpired(proposalId, p.expiresAt);
    }

    /// @dev A council member whose term is not paused (`councilUntil == 0`) votes on every
    /// proposal after `councilFrom`; a former or suspended one on those up to `councilUntil`.
    function _inVotingSet(uint32 id, uint256 proposalId) private view returns (bool) {
        Entity storage e = _entities[id];
        return proposalId > e.councilFrom && (proposalId <= e.councilUntil || (e.council && e.councilUntil == 0));
    }

    /// @dev The filter as bits of the stored `Entity` slot: a listed entity has
    /// `slot & mask == wanted`. Bit offsets follow the `Entity` layout: kind 0-7, status 8-15,
    /// region 32-63.
    function _filterBits(EntityFilter calldata filter) private pure returns (uint256 mask, uint256 wanted) {
        if (filter.matchKind) (mask, wanted) = (0xff, uint256(filter.kind));
        if (filter.matchStatus) (mask, wanted) = (mask | 0xff << 8, wanted | uint256(filter.status) << 8);
        if (filter.matchRegion) (mask, wanted) = (mask | 0xffffffff << 32, wanted | uint256(filter.region) << 32);
    }

    function _requirePageLimit(uint256 limit) private pure {
        if (limit == 0 || limit > MAX_PAGE) revert RegistryInvalidPageLimit(limit, MAX_PAGE);
    }

    /// @dev Whether a scanning view that has scanned `scanned` ids and found `found` rows stops:
    /// after SCAN_WINDOW ids once it has a row, after MAX_SCAN ids in any case.
    function _scanDone(uint256 scanned, uint256 found) private pure returns (bool) {
        return scanned >= SCAN_WINDOW && (found != 0 || scanned >= MAX_SCAN);
    }

    /// @dev A page of `capacity` element pointers, not yet set: the view sets the first `found`
    /// and cuts the length to it, so no default struct is allocated for rows never returned.
    function _entityPage(uint256 capacity) private pure returns (EntityView[] memory page) {
        assembly ("memory-safe") {
            page := mload(0x40)
            mstore(page, capacity)
            mstore(0x40, add(page, shl(5, add(capacity, 1))))
        }
    }

    /// @dev As `_entityPage`, for proposals.
    function _proposalPage(uint256 capacity) private pure returns (ProposalView[] memory page) {
        assembly ("memory-safe") {
            page := mload(0x40)
            mstore(page, capacity)
            mstore(0x40, add(page, shl(5, add(capacity, 1))))
        }
    }

    /// @dev As `_entityPage`, for validators.
    function _validatorPage(uint256 capacity) private pure returns (ValidatorView[] memory page) {
        assembly ("memory-safe") {
            page := mload(0x40)
            mstore(page, capacity)
            mstore(0x40, add(page, shl(5, add(capacity, 1))))
        }
    }

    /// @dev The lowest proposal id that has not expired (`last + 1` when none): `expiresAt` never
    /// decreases with the id, the voting period being fixed.
    function _firstUnexpired(uint256 last) private view returns (uint256 lo) {
        lo = 1;
        uint256 hi = last + 1;
        while (lo < hi) {
            uint256 mid = (lo + hi) >> 1;
            if (block.timestamp < _proposals[mid].expiresAt) hi = mid;
            else lo = mid + 1;
        }
    }

    function _actionKind(uint8 kind) private pure returns (ActionKind) {
        if (kind > uint8(type(ActionKind).max)) revert RegistryInvalidActionKind(kind);
        return ActionKind(kind);
    }

    function _passed(Proposal memory p) private view returns (bool) {
        VotingRule memory rule = _rules[p.kind];
        uint256 cast = uint256(p.yes) + p.no + p.abstain;
        return uint256(p.yes) * _BPS >= uint256(rule.thresholdBps) * p.electorate
            && cast * _BPS >= uint256(rule.quorumBps) * p.electorate;
    }
}
